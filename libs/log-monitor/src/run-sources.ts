import type { OperationOptions } from "@fleetscore/contracts";

/** One job a source knows for the run (an Azure ML child job, a scheduler attempt). */
export interface ExternalJob {
  readonly name: string;
  /** The source's own state word, e.g. Azure ML's `Running`, `Failed`. */
  readonly state: string;
  readonly message?: string;
  /** Where that job's logs are (a portal URL, a blob). */
  readonly logUrl?: string;
}

/** What one more source says about a run. */
export interface ExternalRunReport {
  /** Which source ("scheduler run store", "Azure ML"). */
  readonly source: string;
  readonly state: string;
  /**
   * Whether a writer of the run is still alive, when the source knows it (a scheduler lease, a running
   * Azure ML job). It decides `in progress` against `abandoned`, instead of the files' age.
   */
  readonly writerAlive?: boolean;
  readonly message?: string;
  readonly jobs?: readonly ExternalJob[];
}

/**
 * The extension point for more run sources beside the run's files: the scheduler's run store (issue #13)
 * and Azure ML job status through the pipeline publisher (issue #14) implement this once they exist.
 * A source that knows nothing of the run returns undefined; a source that fails should throw, and the
 * monitor reports its error beside the rest instead of failing the whole command.
 */
export interface RunSource {
  readonly name: string;
  describeRun(runId: string, options?: OperationOptions): Promise<ExternalRunReport | undefined>;
}
