import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { RunShardOptions, ShardOutcome } from "./executor.js";

/** How long a stopped shard has to clean up (the scorer deletes its partial files) before SIGKILL. */
const KILL_GRACE_MS = 10_000;

/**
 * Runs a command with stdout and stderr appended straight to `logPath` (file descriptors, so the log is
 * complete even when this process dies first), stopping it on timeout or abort.
 */
export function runLogged(command: string, args: readonly string[], logPath: string, header: object, options: RunShardOptions, env?: NodeJS.ProcessEnv): Promise<ShardOutcome> {
  mkdirSync(dirname(logPath), { recursive: true });
  const fd = openSync(logPath, "a");
  writeSync(fd, JSON.stringify({ time: new Date().toISOString(), level: "info", ns: "fleetscore:scheduler", ...header, command, args }) + "\n");
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ["ignore", fd, fd], ...(env && { env }) });
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      killTimer ??= setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutInMs);
    const onAbort = (): void => stop();
    options.abortSignal?.addEventListener("abort", onAbort, { once: true });
    const done = (): void => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.abortSignal?.removeEventListener("abort", onAbort);
      closeSync(fd);
    };
    child.once("spawn", () => options.onStarted?.(child.pid));
    child.once("error", (e) => {
      done();
      reject(e);
    });
    child.once("exit", (code) => {
      done();
      resolve({ exitCode: code, timedOut });
    });
  });
}
