import { createHash } from "node:crypto";

/** JSON with object keys sorted, so equal definitions give equal text whatever order built them. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * Azure ML asset versions are immutable, so a version names its content: `v` + 12 hex of the SHA-256 of
 * the definition. A changed definition is a new version; an unchanged one is the same PUT (skipped).
 */
export function contentVersion(definition: unknown): string {
  return `v${createHash("sha256").update(canonicalJson(definition)).digest("hex").slice(0, 12)}`;
}
