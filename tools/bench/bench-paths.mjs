// Where the benchmarks find things: this folder, the workspace root, the apps' built CLIs and the shared
// fixtures (../shared beside the checkout), so that each script does not work them out again.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** tools/bench: the helper scripts and the results folder. */
export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
/** The workspace root: the working directory of the commands the benchmarks run. */
export const ROOT = resolve(BENCH_DIR, "../..");
/** The shared fixtures, e.g. `synthetic-2k` (readings and models). */
export const SHARED_FIXTURES = resolve(ROOT, "../shared/fixtures");

/** The built command line of a project, e.g. `builtMain("apps/scorer")`: run `nx run <project>:build` first. */
export function builtMain(project) {
  return join(ROOT, project, "dist/main.js");
}

/** Azurite's Blob service script (the `azurite-blob` bin of the workspace's azurite package). */
export function azuriteBlobMain() {
  const pkgPath = createRequire(import.meta.url).resolve("azurite/package.json");
  return join(dirname(pkgPath), JSON.parse(readFileSync(pkgPath, "utf8")).bin["azurite-blob"]);
}
