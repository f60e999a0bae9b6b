import { readFile, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { REFERENCE_MODELS, assertBuilt, makeTempDir, runScorer } from "./run-scorer.js";

/**
 * The set-up every end-to-end scorer suite shares: before its tests, check the CLI is built and make one temp
 * folder; after them, remove it and the `<folder>-<suffix>` siblings a suite names (the CLI may make some).
 * Returns the folder's path as a function: it exists only once `beforeAll` ran.
 */
export function useScorerTempDir(...siblingSuffixes: readonly string[]): () => string {
  let dir: string | undefined;
  beforeAll(async () => {
    assertBuilt();
    dir = await makeTempDir();
  });
  afterAll(async () => {
    if (!dir) return;
    for (const path of [dir, ...siblingSuffixes.map((suffix) => `${dir}-${suffix}`)]) await rm(path, { recursive: true, force: true });
  });
  return () => {
    if (!dir) throw new Error("useScorerTempDir(): the folder is made in beforeAll; read it inside a hook or a test");
    return dir;
  };
}

/** The prediction files (`preds_*`) of one run folder by name, in name order. */
export async function readPredictionFiles(runDir: string): Promise<Map<string, Buffer>> {
  const names = (await readdir(runDir)).filter((n) => n.startsWith("preds_")).sort();
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(join(runDir, n))] as const)));
}

/** Scores the 15 reference models on `data` as run `r` under `out` and returns its prediction files (and how long it took). */
export async function scoreCleanRun(data: string, out: string): Promise<{ readonly files: Map<string, Buffer>; readonly elapsedMs: number }> {
  const started = performance.now();
  const r = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", data, "--out", out, "--run-id", "r"]);
  const elapsedMs = performance.now() - started;
  expect(r.code, r.stderr).toBe(0);
  const files = await readPredictionFiles(join(out, "r"));
  expect(files.size).toBe(15);
  return { files, elapsedMs };
}
