import { readFileSync } from "node:fs";
import { logger } from "./log.js";

/** How long a SIGKILLed leftover gets to disappear before recovery goes on without it. */
const EXIT_WAIT_MS = 10_000;

/**
 * What `pid` is now, read from /proc where there is one. A zombie counts as gone: it has exited and
 * writes nothing, but `kill(pid, 0)` still succeeds on it until its parent reaps it, and an orphan's
 * new parent (PID 1 in a container) may never do that.
 */
function inspect(pid: number): { alive: boolean; cmdline?: string } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The state follows the command name's closing parenthesis: "1234 (node) S ...".
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (state === "Z" || state === "X") return { alive: false };
    return { alive: true, cmdline: readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ") };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { alive: false };
  }
  // No /proc (macOS): signal 0 tells only whether the pid exists.
  try {
    process.kill(pid, 0);
    return { alive: true };
  } catch {
    return { alive: false };
  }
}

/**
 * Stops a shard process a crashed scheduler left running, so two attempts never write the same run at
 * once. `marker` (the run id) must appear in the process's command line: a pid recorded before a crash
 * may since have been given to an unrelated process, which must not be killed.
 */
export async function stopLeftoverProcess(pid: number | undefined, marker: string, waitInMs = EXIT_WAIT_MS): Promise<"none" | "stopped" | "unrelated" | "unkillable"> {
  if (pid === undefined) return "none";
  const found = inspect(pid);
  if (!found.alive) return "none";
  if (found.cmdline !== undefined && !found.cmdline.includes(marker)) {
    logger.info("the pid recorded for a shard now belongs to another process; left alone", { pid, marker });
    return "unrelated";
  }
  logger.warning("stopping a shard process left by a crashed scheduler", { pid, marker });
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    return "stopped";
  }
  for (const deadline = Date.now() + waitInMs; inspect(pid).alive; ) {
    if (Date.now() > deadline) {
      logger.error("a leftover shard process did not exit after SIGKILL; going on without it", { pid, marker });
      return "unkillable";
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return "stopped";
}
