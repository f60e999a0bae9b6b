import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** ../shared/fixtures beside the repo: read-only. */
export const SHARED_FIXTURES = resolve(import.meta.dirname, "../../../../../shared/fixtures");
export const REFERENCE_DATA = join(SHARED_FIXTURES, "reference/sensor_data.csv");
export const REFERENCE_MODELS = join(SHARED_FIXTURES, "reference/models");

export function makeTempDir(prefix = "fleetscore-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}
