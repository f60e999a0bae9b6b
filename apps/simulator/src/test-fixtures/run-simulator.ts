import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The built CLI: the tests run exactly what users run. `nx run simulator:test` builds it first. */
export const SIMULATOR_MAIN = resolve(import.meta.dirname, "../../dist/main.js");
export const REFERENCE_DATA = resolve(import.meta.dirname, "../../../../data/reference/sensor_data.csv");

export interface ProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function assertBuilt(main = SIMULATOR_MAIN): void {
  if (!existsSync(main)) throw new Error(`${main} is missing: build it first (nx run <project>:test does it for you)`);
}

export function startNode(main: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<ProcessResult> } {
  const child = spawn(process.execPath, [main, ...args], { env: { PATH: process.env["PATH"], FLEETSCORE_LOG_LEVEL: "warning", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const done = new Promise<ProcessResult>((resolvePromise, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export const runSimulator = (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessResult> => startNode(SIMULATOR_MAIN, args, env).done;

export const makeTempDir = (prefix = "fleetscore-simulator-"): Promise<string> => mkdtemp(join(tmpdir(), prefix));
