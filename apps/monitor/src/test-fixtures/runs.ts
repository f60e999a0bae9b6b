import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { RunManifest } from "@fleetscore/contracts";
import type { ProcessIo } from "@fleetscore/cli-support";
import { REFERENCE_DATA, REFERENCE_MODELS, startNodeProcess, type NodeProcessResult } from "@fleetscore/test-support";
import { runCli } from "../cli.js";
import type { AzureDeps } from "../sources/open-sources.js";

export { REFERENCE_DATA, REFERENCE_MODELS, SHARED_FIXTURES } from "@fleetscore/test-support";
/** The real scorer CLI: `nx run monitor:test` builds it first. */
export const SCORER_MAIN = resolve(import.meta.dirname, "../../../scorer/dist/main.js");

/** What a CLI run printed, and its exit code. */
export type Result = Pick<NodeProcessResult, "code" | "stdout" | "stderr">;

/** Runs the built scorer; its stderr (JSON-line logs) also goes to `logFile` when given, as a user would save it. */
export async function runScorer(args: readonly string[], options: { env?: NodeJS.ProcessEnv; logFile?: string } = {}): Promise<Result> {
  const result = await startNodeProcess(SCORER_MAIN, args, options.env, { logLevel: "info" }).done;
  if (options.logFile) await writeFile(options.logFile, result.stderr);
  return result;
}

export interface ScoreReferenceOptions {
  /** The model store (default: the reference models). */
  readonly models?: string;
  /** Flags after the usual ones, e.g. `["--shard", "0/2"]`. */
  readonly extra?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly logFile?: string;
}

/** Scores the reference data into `out` as run `runId` with the built scorer, one worker (the runs the monitor reads). */
export function scoreReference(out: string, runId: string, options: ScoreReferenceOptions = {}): Promise<Result> {
  const { models = REFERENCE_MODELS, extra = [], ...runOptions } = options;
  return runScorer(["score", "--models", models, "--data", REFERENCE_DATA, "--out", out, "--run-id", runId, "--workers", "1", ...extra], runOptions);
}

/** A copy of the reference models with model 1_4 corrupt (its .onnx garbage, no float64 .json): it fails to load. */
export async function modelsWithOneCorrupt(dir: string): Promise<string> {
  const models = join(dir, "models-corrupt");
  await cp(REFERENCE_MODELS, models, { recursive: true });
  await writeFile(join(models, "model_1_4.onnx"), "not an onnx model");
  await rm(join(models, "model_1_4.json"), { force: true });
  return models;
}

/** Runs the monitor CLI in-process, capturing its output. */
export async function monitor(
  argv: readonly string[],
  options: { env?: NodeJS.ProcessEnv; tty?: boolean; signal?: AbortSignal; onStdout?: (s: string) => void } = {},
  azure: AzureDeps = {},
): Promise<Result> {
  let stdout = "";
  let stderr = "";
  const io: ProcessIo = {
    stdout: {
      write: (s: string) => {
        stdout += s;
        options.onStdout?.(s);
        return true;
      },
    },
    stderr: Object.assign({ write: (s: string) => ((stderr += s), true) }, options.tty ? { isTTY: true, columns: 120 } : {}),
    env: { ...options.env },
    abortSignal: options.signal ?? new AbortController().signal,
  };
  const code = await runCli(argv, io, azure);
  return { code, stdout, stderr };
}

export async function readManifest(out: string, runId: string, name = "_manifest.json"): Promise<RunManifest> {
  return JSON.parse(await readFile(join(out, runId, name), "utf8")) as RunManifest;
}

export function makeTempDir(prefix = "fleetscore-monitor-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}
