import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { OperationOptions } from "@fleetscore/contracts";
import { LogMonitorError } from "./log-monitor-error.js";

/** Where a log record is: a file and its 1-based line. */
export interface LogLocation {
  readonly file: string;
  readonly line: number;
}

/** One warning or error record of a run, with where it is. */
export interface RunLogRecord extends LogLocation {
  readonly time: string;
  readonly level: string;
  readonly msg: string;
  readonly shard?: string;
  readonly model?: string;
}

/** What the scorer's JSON-line logs (its stderr) say about one run. */
export interface RunLogs {
  readonly files: readonly string[];
  /** Warnings and errors of the run, in file order. */
  readonly problems: readonly RunLogRecord[];
  /** Per shard (`"0/2"`, or `"-"` for an unsharded run): models the shard planned to score ("run planned"). */
  readonly plannedModels: ReadonlyMap<string, number>;
  /** Per shard: the last progress percentage logged (`"progress"` lines). */
  readonly lastPercent: ReadonlyMap<string, number>;
  /** Per shard: the time of its last record. */
  readonly lastTime: ReadonlyMap<string, string>;
}

const LOG_FILE = /\.(log|jsonl|ndjson)$/;

async function logFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const s = await stat(path).catch((e: unknown) => {
      throw new LogMonitorError(`Cannot read logs ${path}: ${(e as Error).message}`, "InvalidLocation", { cause: e });
    });
    if (s.isDirectory()) {
      const names = (await readdir(path)).filter((n) => LOG_FILE.test(n)).sort();
      out.push(...names.map((n) => join(path, n)));
    } else {
      out.push(path);
    }
  }
  return out;
}

/**
 * Reads the records of `runId` from scorer logs: files of JSON lines (`{time, level, ns, msg, runId, shard, model, ...}`,
 * as the scorer writes to stderr), or folders of `*.log` / `*.jsonl` / `*.ndjson` files. Lines that are not JSON
 * (a progress bar, a summary) and records of other runs are skipped.
 * @throws LogMonitorError `InvalidLocation` when a path cannot be read.
 */
export async function readRunLogs(paths: readonly string[], runId: string, options: OperationOptions = {}): Promise<RunLogs> {
  const files = await logFiles(paths);
  const problems: RunLogRecord[] = [];
  const plannedModels = new Map<string, number>();
  const lastPercent = new Map<string, number>();
  const lastTime = new Map<string, string>();
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
    let line = 0;
    for await (const text of lines) {
      line++;
      options.abortSignal?.throwIfAborted();
      if (!text.startsWith("{")) continue;
      let r: Record<string, unknown>;
      try {
        r = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (r["runId"] !== runId) continue;
      const shard = typeof r["shard"] === "string" ? r["shard"] : "-";
      if (typeof r["time"] === "string") lastTime.set(shard, r["time"]);
      if (r["msg"] === "run planned" && typeof r["shardModels"] === "number") plannedModels.set(shard, r["shardModels"]);
      if (r["msg"] === "progress" && typeof r["percent"] === "number") lastPercent.set(shard, r["percent"]);
      if (r["level"] === "warning" || r["level"] === "error") {
        problems.push({
          file,
          line,
          time: String(r["time"] ?? ""),
          level: String(r["level"]),
          msg: String(r["msg"] ?? ""),
          ...(shard !== "-" && { shard }),
          ...(typeof r["model"] === "string" && { model: r["model"] }),
        });
      }
    }
  }
  return { files, problems, plannedModels, lastPercent, lastTime };
}
