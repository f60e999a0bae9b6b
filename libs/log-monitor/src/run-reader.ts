import type { OperationOptions } from "@fleetscore/contracts";
import { isBatchScoringError, openRunReader as openScoringRunReader, type OpenRunReaderOptions, type RunReader as ScoringRunReader } from "@fleetscore/batch-scoring";
import { LogMonitorError, type LogMonitorErrorCode } from "./log-monitor-error.js";
import type { RunState } from "./run-state.js";

export type { OpenRunReaderOptions };

/**
 * Reads runs under an output location (`<out>/<run-id>/...`, a folder or a Blob container). The files are
 * read by @fleetscore/batch-scoring's run reader; this interface is what the monitor's other sources
 * (the scheduler's run store) also implement.
 */
export interface RunReader {
  /** The output location (folder path or container URL, no credentials). */
  readonly location: string;
  /** Run ids under the location, newest activity first. */
  listRunIds(options?: OperationOptions): Promise<string[]>;
  /** @throws LogMonitorError `RunNotFound` when the run has no file; `InvalidRun` for a bad manifest. */
  readRun(runId: string, options?: OperationOptions): Promise<RunState>;
  /** One file of a run (a prediction file), as bytes. */
  readRunFile(runId: string, name: string, options?: OperationOptions): Promise<Uint8Array>;
}

/** The run reader's codes that this lib reports as its own (the monitor maps them to exit codes). */
const SAME_CODES: ReadonlySet<string> = new Set<LogMonitorErrorCode>(["RunNotFound", "InvalidRun", "InvalidLocation"]);

async function asLogMonitorErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (isBatchScoringError(e) && SAME_CODES.has(e.code)) throw new LogMonitorError(e.message, e.code as LogMonitorErrorCode, { cause: e });
    throw e;
  }
}

class FilesRunReader implements RunReader {
  readonly location: string;
  constructor(readonly files: ScoringRunReader) {
    this.location = files.location;
  }
  listRunIds(options?: OperationOptions): Promise<string[]> {
    return asLogMonitorErrors(() => this.files.listRunIds(options));
  }
  readRun(runId: string, options?: OperationOptions): Promise<RunState> {
    return asLogMonitorErrors(() => this.files.readRun(runId, options));
  }
  readRunFile(runId: string, name: string, options?: OperationOptions): Promise<Uint8Array> {
    return asLogMonitorErrors(() => this.files.readRunFile(runId, name, options));
  }
}

/**
 * A run reader for `--out`: a folder, or a Blob container URL (`https://<account>.blob.core.windows.net/<container>[/<prefix>]`).
 * @throws LogMonitorError `InvalidLocation` when the location is malformed or does not exist.
 */
export async function openRunReader(location: string, options: OpenRunReaderOptions = {}): Promise<RunReader> {
  return new FilesRunReader(await asLogMonitorErrors(() => openScoringRunReader(location, options)));
}
