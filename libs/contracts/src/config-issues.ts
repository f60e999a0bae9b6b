import type { z } from "zod";

/** The value at `path` in a parsed document (undefined where nothing is). */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined), root);
}

/**
 * One line per issue of a config file that failed its zod schema, as every fleetscore config reports them:
 * `<source>: <field.path>: <message> (got <value>)`, the value quoted from the parsed document `raw`.
 * @param indent Put before each line (the publisher and infra indent theirs under a heading line).
 */
export function describeConfigIssues(source: string, raw: unknown, error: z.ZodError, indent = ""): string {
  return error.issues
    .map((issue) => {
      const value = valueAt(raw, issue.path);
      return `${indent}${source}: ${issue.path.join(".") || "(top level)"}: ${issue.message} (got ${value === undefined ? "missing" : JSON.stringify(value)})`;
    })
    .join("\n");
}
