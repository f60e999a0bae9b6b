import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const SHARED_FIXTURES = resolve(import.meta.dirname, "../../../../../shared/fixtures");
export const REFERENCE_DATA = join(SHARED_FIXTURES, "reference/sensor_data.csv");
export const REFERENCE_MODELS = join(SHARED_FIXTURES, "reference/models");
/** The built CLI: the tests run exactly what users run. `nx run scorer:test` builds it first. */
export const SCORER_MAIN = resolve(import.meta.dirname, "../../dist/main.js");

export interface ScorerResult {
  readonly code: number | null;
  readonly signal?: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

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

export function runScorer(args: readonly string[], env: NodeJS.ProcessEnv = {}, options: RunScorerOptions = {}): Promise<ScorerResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [SCORER_MAIN, ...args], {
      env: { PATH: process.env["PATH"], FLEETSCORE_LOG_LEVEL: "warning", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      options.onStderr?.(d, child);
    });
    child.on("error", reject);
    if (options.kill) {
      const timer = setTimeout(() => child.kill(options.kill!.signal), options.kill.afterMs);
      child.on("close", () => clearTimeout(timer));
    }
    child.on("close", (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

export function makeTempDir(prefix = "fleetscore-scorer-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}
