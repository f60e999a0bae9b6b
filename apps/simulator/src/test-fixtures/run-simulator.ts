import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startNodeProcess, type NodeProcessResult, type StartedNodeProcess } from "@fleetscore/test-support";

/** The built CLI: the tests run exactly what users run. `nx run simulator:test` builds it first. */
export const SIMULATOR_MAIN = resolve(import.meta.dirname, "../../dist/main.js");
export const REFERENCE_DATA = resolve(import.meta.dirname, "../../../../data/reference/sensor_data.csv");

export type ProcessResult = NodeProcessResult;

export function assertBuilt(main = SIMULATOR_MAIN): void {
  if (!existsSync(main)) throw new Error(`${main} is missing: build it first (nx run <project>:test does it for you)`);
}

export const startNode = (main: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): StartedNodeProcess => startNodeProcess(main, args, env);

export const runSimulator = (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessResult> => startNode(SIMULATOR_MAIN, args, env).done;

export const makeTempDir = (prefix = "fleetscore-simulator-"): Promise<string> => mkdtemp(join(tmpdir(), prefix));
