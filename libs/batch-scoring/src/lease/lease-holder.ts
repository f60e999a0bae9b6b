import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { z } from "zod";

/** Who holds a run's writer lease, as written in the lease: enough to name it and to tell if it is gone. */
export const LeaseHolder = z.object({
  host: z.string(),
  pid: z.number().int(),
  /** The process's start on its host (`/proc/<pid>/stat`), so a pid given to another process is not taken for the holder. */
  processStart: z.string().optional(),
  since: z.string(),
  token: z.string(),
  /** The holder's promise: it refreshes the lease at least this often, or it may be taken over. */
  staleAfterMs: z.number().int().positive(),
});
export type LeaseHolder = z.infer<typeof LeaseHolder>;

export function thisProcessAsHolder(staleAfterMs: number, now: Date): LeaseHolder {
  const processStart = processStartOf(process.pid);
  return { host: hostname(), pid: process.pid, ...(processStart && { processStart }), since: now.toISOString(), token: randomUUID(), staleAfterMs };
}

/** `pid 123 on host h since 2026-...`: how messages name a holder. */
export function describeHolder(h: LeaseHolder): string {
  return `pid ${h.pid} on host ${h.host} since ${h.since}`;
}

/**
 * True when the holder ran on this host and has exited: its pid is gone, a zombie (exited, not yet
 * reaped: `kill(pid, 0)` still succeeds on it), or now another process. Holders on other hosts are never
 * known gone; their lease ends when its heartbeat stops.
 */
export function holderIsGone(h: LeaseHolder): boolean {
  if (h.host !== hostname()) return false;
  const start = processStartOf(h.pid);
  if (start === "gone") return true;
  if (start !== undefined && h.processStart !== undefined) return start !== h.processStart;
  try {
    process.kill(h.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat); "gone" for a missing or zombie process; undefined without /proc. */
function processStartOf(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" && existsProc() ? "gone" : undefined;
  }
  // Fields after the command name's closing parenthesis: "1234 (node) S ppid ...": state is field 3.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z" || fields[0] === "X") return "gone";
  return fields[19];
}

function existsProc(): boolean {
  try {
    readFileSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
}
