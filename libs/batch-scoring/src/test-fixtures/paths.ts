import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll } from "vitest";

/** ../shared/fixtures beside the repo: read-only. */
export const SHARED_FIXTURES = resolve(import.meta.dirname, "../../../../../shared/fixtures");
export const REFERENCE_DATA = join(SHARED_FIXTURES, "reference/sensor_data.csv");
export const REFERENCE_MODELS = join(SHARED_FIXTURES, "reference/models");

export function makeTempDir(prefix = "fleetscore-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/**
 * One temp folder for a test file: made before its tests, removed after them. Returns its path as a function
 * (it exists only once `beforeAll` ran).
 */
export function useTempDir(prefix?: string): () => string {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await makeTempDir(prefix);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (!dir) throw new Error("useTempDir(): the folder is made in beforeAll; read it inside a hook or a test");
    return dir;
  };
}
