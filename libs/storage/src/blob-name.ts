import { BlobStoreError } from "./blob-store-error.js";

/** Azure's limit on blob names, applied to every store. */
export const MAX_BLOB_NAME_LENGTH = 1024;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function problem(value: string, allowTrailingSlash: boolean): string | undefined {
  if (value.length > MAX_BLOB_NAME_LENGTH) return `is ${value.length} characters long; the limit is ${MAX_BLOB_NAME_LENGTH}`;
  if (CONTROL.test(value)) return "contains a control character";
  if (value.includes("\\")) return 'contains a backslash; use "/" between segments';
  if (value.startsWith("/")) return 'starts with "/"; names are relative to the store';
  const segments = value.split("/");
  if (allowTrailingSlash && segments.length > 1 && segments.at(-1) === "") segments.pop();
  for (const segment of segments) {
    if (segment === "") return 'has an empty segment ("//" or a trailing "/")';
    if (segment === "." || segment === "..") return `has a "${segment}" segment`;
  }
  return undefined;
}

/**
 * Checks a blob name: 1 to 1024 characters, `/`-separated segments that are neither empty, `.` nor `..`,
 * no leading `/`, no backslash, no control characters.
 * @throws BlobStoreError `InvalidName`, naming the value and what is wrong with it.
 */
export function validateBlobName(name: string): string {
  if (typeof name !== "string" || name.length === 0) {
    throw new BlobStoreError(`Invalid blob name ${JSON.stringify(name)}: expected a non-empty string`, "InvalidName");
  }
  const why = problem(name, false);
  if (why) throw new BlobStoreError(`Invalid blob name ${JSON.stringify(name)}: it ${why}`, "InvalidName");
  return name;
}

/** Checks a listing prefix: `""`, or a name that may end with `/`. @throws BlobStoreError `InvalidName` */
export function validateBlobPrefix(prefix: string): string {
  if (typeof prefix !== "string") throw new BlobStoreError(`Invalid blob prefix ${JSON.stringify(prefix)}: expected a string`, "InvalidName");
  if (prefix === "") return prefix;
  const why = problem(prefix, true);
  if (why) throw new BlobStoreError(`Invalid blob prefix ${JSON.stringify(prefix)}: it ${why}`, "InvalidName");
  return prefix;
}
