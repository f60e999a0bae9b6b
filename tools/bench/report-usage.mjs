// Preload for benchmarked child processes: `node --import <this file> ...` with env BENCH_USAGE_FILE set.
// On exit it writes JSON.stringify(process.resourceUsage()) (maxRSS in KB, covering every thread of the
// process) to that file. Descendant node processes that inherit this preload (e.g. a child_process pool
// started with fork, which inherits execArgv) write to `<file>.<pid>` instead, so the harness can see them.
import { writeFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";

const file = process.env.BENCH_USAGE_FILE;
if (file && isMainThread) {
  // The first process to load this preload is the measured one; later ones are its descendants.
  const isRoot = process.env.BENCH_USAGE_ROOT_PID === undefined;
  if (isRoot) process.env.BENCH_USAGE_ROOT_PID = String(process.pid);
  const target = isRoot ? file : `${file}.${process.pid}`;
  process.on("exit", () => {
    try {
      writeFileSync(target, JSON.stringify(process.resourceUsage()));
    } catch {
      // Never change the measured process's exit code.
    }
  });
}
