import { setTimeout as sleep } from "node:timers/promises";
import type { OperationOptions } from "@fleetscore/contracts";
import type { RunReader } from "./run-reader.js";
import { isFinalStatus } from "./run-state.js";
import { summarizeRun, type RunSummary, type SummarizeRunOptions } from "./run-summary.js";

export interface WatchRunOptions extends OperationOptions, Omit<SummarizeRunOptions, "logs" | "now"> {
  /** Time between two looks at the run. Default 2 s. */
  readonly intervalInMs?: number;
  /** Paths of the run's scorer logs, re-read on each look (see readRunLogs). */
  readonly readLogs?: () => Promise<SummarizeRunOptions["logs"]>;
}

/**
 * The run's summary now, then again each time it changes, until its status is final (succeeded, partial,
 * failed or abandoned): the last value yielded is the final one. Ends early, with an AbortError, when
 * `abortSignal` fires.
 */
export async function* watchRun(reader: RunReader, runId: string, options: WatchRunOptions = {}): AsyncGenerator<RunSummary> {
  const interval = options.intervalInMs ?? 2_000;
  let last = "";
  for (;;) {
    options.abortSignal?.throwIfAborted();
    const logs = await options.readLogs?.();
    const summary = await summarizeRun(await reader.readRun(runId, options), { ...options, ...(logs && { logs }) });
    const key = JSON.stringify({ ...summary, lastActivity: undefined });
    if (key !== last || isFinalStatus(summary.status)) yield summary;
    last = key;
    if (isFinalStatus(summary.status)) return;
    await sleep(interval, undefined, options.abortSignal ? { signal: options.abortSignal } : {});
  }
}
