import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startNodeProcess, type NodeProcessResult } from "@fleetscore/test-support";

export { REFERENCE_DATA, REFERENCE_MODELS, SHARED_FIXTURES } from "@fleetscore/test-support";
/** The built CLI: the tests run exactly what users run. `nx run scorer:test` builds it first. */
export const SCORER_MAIN = resolve(import.meta.dirname, "../../dist/main.js");

export type ScorerResult = NodeProcessResult;

export function assertBuilt(): void {
  if (!existsSync(SCORER_MAIN)) {
    throw new Error(`${SCORER_MAIN} is missing: run \`npx nx run scorer:build\` (nx run scorer:test does it for you)`);
  }
}

export interface RunScorerOptions {
  /** Sends this signal to the scorer after `afterMs`. */
  readonly kill?: { readonly signal: NodeJS.Signals; readonly afterMs: number };
  /** Called with stderr as it arrives (logs are JSON lines there), and the scorer's process (to signal it). */
  readonly onStderr?: (text: string, child: ChildProcess) => void;
}

/** Runs the built scorer (log level `warning` unless `env` says otherwise) and collects what it prints. */
export function runScorer(args: readonly string[], env: NodeJS.ProcessEnv = {}, options: RunScorerOptions = {}): Promise<ScorerResult> {
  const { child, done } = startNodeProcess(SCORER_MAIN, args, env);
  const { onStderr, kill } = options;
  if (onStderr) child.stderr!.on("data", (d: string) => onStderr(d, child));
  if (kill) {
    const timer = setTimeout(() => child.kill(kill.signal), kill.afterMs);
    child.on("close", () => clearTimeout(timer));
  }
  return done;
}

export function makeTempDir(prefix = "fleetscore-scorer-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}
