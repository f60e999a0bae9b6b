import { randomBytes } from "node:crypto";
import { z } from "zod";

/** A version id: sortable by creation time and unique, e.g. `v20261125T171500Z-3fa9c1`. */
export const ModelVersionId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "must be 1-128 of A-Z a-z 0-9 . _ - (starting with a letter or digit)");

/** One file of a version, as `_version.json` lists it. */
export const ModelVersionFile = z.object({
  name: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits"),
  sizeInBytes: z.number().int().min(0),
});
export type ModelVersionFile = z.infer<typeof ModelVersionFile>;

/** `versions/<version>/_version.json`: what a version holds. Written once, after its files. */
export const ModelVersionRecord = z.object({
  version: ModelVersionId,
  created: z.iso.datetime(),
  files: z.array(ModelVersionFile),
  models: z.number().int().min(0),
});
export type ModelVersionRecord = z.infer<typeof ModelVersionRecord>;

/** `current.json`: the version `<location>` resolves to. Moved with a conditional put. */
export const CurrentModelVersion = z.object({ version: ModelVersionId, updated: z.iso.datetime() });
export type CurrentModelVersion = z.infer<typeof CurrentModelVersion>;

export const CURRENT_BLOB = "current.json";
export const VERSION_RECORD = "_version.json";
export const versionPrefix = (version: string): string => `versions/${version}/`;

/** `v<YYYYMMDDTHHMMSSZ>-<6 hex>`: sorts by creation time, unique across concurrent pushes. */
export function newModelVersionId(at: Date = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
  return `v${stamp}-${randomBytes(3).toString("hex")}`;
}
