import { spawn, type ChildProcess } from "node:child_process";

/** How a Node script ended, with everything it printed. */
export interface NodeProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A started Node script: the child (to signal it or read its streams live) and its end. */
export interface StartedNodeProcess {
  readonly child: ChildProcess;
  readonly done: Promise<NodeProcessResult>;
}

/**
 * Starts `node <main> ...args` the way the apps' tests run their built CLIs: a clean environment (PATH,
 * the log level given, then `env`), no stdin, stdout and stderr collected as text.
 */
export function startNodeProcess(main: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, options: { logLevel?: string } = {}): StartedNodeProcess {
  const child = spawn(process.execPath, [main, ...args], {
    env: { PATH: process.env["PATH"], FLEETSCORE_LOG_LEVEL: options.logLevel ?? "warning", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const done = new Promise<NodeProcessResult>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}
