// Spawns one node process under measurement: wall time around the spawn, and peak RSS and CPU time from
// the report-usage.mjs preload (process.resourceUsage() at exit).
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { BENCH_DIR } from "./bench-paths.mjs";

const PRELOAD = join(BENCH_DIR, "report-usage.mjs");
const PYTHON_WRAPPER = join(BENCH_DIR, "report-usage.py");

/** Children still running, so an interrupted harness can stop them before deleting their folders. */
const live = new Set();
/** Usage folders not yet deleted. */
const usageDirs = new Set();

/**
 * Sends SIGTERM to every child still running, waits (at most `ms`) until they have all exited, and
 * deletes their usage folders. For an interrupted harness.
 * @param {number} [ms]
 * @returns {Promise<void>}
 */
export async function stopChildren(ms = 10_000) {
  const waits = [...live].map(
    (child) =>
      new Promise((done) => {
        child.once("close", done);
        child.kill("SIGTERM");
      }),
  );
  await Promise.race([Promise.all(waits), new Promise((done) => setTimeout(done, ms).unref())]);
  for (const dir of usageDirs) rmSync(dir, { recursive: true, force: true });
}

/**
 * @typedef {object} ChildResult
 * @property {number | null} code exit code (null when killed by a signal)
 * @property {string | null} signal
 * @property {boolean} timedOut
 * @property {number} wallSeconds from spawn to the 'close' event
 * @property {number | null} maxRssMB peak RSS of the process (all its threads), MB; null if not reported
 * @property {number | null} cpuSeconds user + system CPU time of the process
 * @property {number} descendantsMaxRssMB sum of the peak RSS of node descendants that loaded the preload
 * @property {string} stdout
 * @property {string} stderrTail the last ~4 KB of stderr
 */

/**
 * Runs `node --import report-usage.mjs <script> ...args` (or, with `python`, `<python> report-usage.py
 * <script> ...args`) and measures it.
 * @param {string} script absolute path of the script to run
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number, nodeArgs?: string[], python?: string }} [options]
 * @returns {Promise<ChildResult>}
 */
export async function runChild(script, args, options = {}) {
  const usageDir = await mkdtemp(join(tmpdir(), "bench-usage-"));
  usageDirs.add(usageDir);
  const usageFile = join(usageDir, "usage.json");
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...(options.env ?? process.env), BENCH_USAGE_FILE: usageFile };
  delete env.BENCH_USAGE_ROOT_PID;
  try {
    const [command, commandArgs] = options.python
      ? [options.python, [PYTHON_WRAPPER, script, ...args]]
      : [process.execPath, [...(options.nodeArgs ?? []), "--import", pathToFileURL(PRELOAD).href, script, ...args]];
    const started = performance.now();
    const { code, signal, timedOut, stdout, stderr } = await spawnAndWait(command, commandArgs, {
      cwd: options.cwd,
      env,
      timeoutMs: options.timeoutMs,
    });
    const wallSeconds = (performance.now() - started) / 1000;

    const usage = await readJson(usageFile);
    let descendantsMaxRssMB = 0;
    for (const f of await readdir(usageDir)) {
      if (f.startsWith(`${basename(usageFile)}.`)) {
        const u = await readJson(join(usageDir, f));
        if (u) descendantsMaxRssMB += u.maxRSS / 1024;
      }
    }
    return {
      code,
      signal,
      timedOut,
      wallSeconds,
      maxRssMB: usage ? usage.maxRSS / 1024 : null,
      cpuSeconds: usage ? (usage.userCPUTime + usage.systemCPUTime) / 1e6 : null,
      descendantsMaxRssMB,
      stdout,
      stderrTail: stderr.slice(-4096),
    };
  } finally {
    await rm(usageDir, { recursive: true, force: true });
    usageDirs.delete(usageDir);
  }
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number }} options
 * @returns {Promise<{ code: number | null, signal: string | null, timedOut: boolean, stdout: string, stderr: string }>}
 */
function spawnAndWait(cmd, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    live.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    // Keep only the tail of stderr: a verbose child must not fill the harness's memory.
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr = (stderr + d).slice(-65536)));
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGTERM");
            setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"), 10_000).unref();
          }, options.timeoutMs);
    child.on("error", (e) => {
      live.delete(child);
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      live.delete(child);
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout, stderr });
    });
  });
}

/** @param {string} path @returns {Promise<any | null>} */
async function readJson(path) {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch {
    return null;
  }
}
