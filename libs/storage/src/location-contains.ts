import { realpathSync } from "node:fs";
import { basename, dirname, join, relative, resolve, isAbsolute } from "node:path";
import type { BlobLocation } from "./location.js";

/**
 * Whether `inner` is `outer` or lies inside it: the same folder or one below it (links resolved, for the
 * part of the path that exists), or the same Blob container with a prefix under `outer`'s. Why: a run's
 * output inside its models location becomes part of the models (a run folder named `model_3_9.onnx`
 * would be taken for a model by every later run).
 */
export function locationContains(outer: BlobLocation, inner: BlobLocation): boolean {
  if (outer.kind === "folder" && inner.kind === "folder") {
    const rel = relative(realPath(outer.path), realPath(inner.path));
    return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
  }
  if (outer.kind === "azure" && inner.kind === "azure") {
    return outer.accountUrl.toLowerCase() === inner.accountUrl.toLowerCase() && outer.container === inner.container && inner.prefix.startsWith(outer.prefix);
  }
  return false;
}

/** The real path of the longest existing part of `path`, with the rest appended (it may not exist yet). */
function realPath(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(realPath(parent), basename(absolute));
  }
}
