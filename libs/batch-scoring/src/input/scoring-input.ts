import type { ModelKey, OperationOptions } from "@fleetscore/contracts";
import type { WindowMean } from "./window-chunks.js";

/** A readings CSV (plain or gzip) on the local disk: the file itself, or a local copy of a blob. */
export interface FileScoringInput {
  readonly kind: "file";
  /** Where the data came from, without credentials (no SAS token, no password): for manifests and messages. */
  readonly location: string;
  /** The local file the scorer reads. */
  readonly path: string;
  /** Size of the file as stored (compressed, for gzip). */
  readonly sizeInBytes: number;
  /** Deletes the local copy, if one was made. */
  close(): Promise<void>;
}

/** Window aggregates in SQL whose window ends are in `(fromMs, toMs]`: scored by their means. */
export interface WindowsScoringInput {
  readonly kind: "windows";
  /** `<store url without password> windows (<from>, <to>]`. */
  readonly location: string;
  readonly fromMs: number;
  readonly toMs: number;
  /**
   * Pages of window means ordered by window end. A shard asks only for its models (the store filters in
   * SQL); `undefined` reads every window, so pairs without a model are still counted.
   */
  readWindows(models: readonly ModelKey[] | undefined, options?: OperationOptions): AsyncIterable<readonly WindowMean[]>;
  /** Closes the store. */
  close(): Promise<void>;
}

/** What `scoreBatch` scores: see `openScoringInput`. */
export type ScoringInput = FileScoringInput | WindowsScoringInput;

export const isScoringInput = (data: unknown): data is ScoringInput =>
  typeof data === "object" && data !== null && "kind" in data && (data.kind === "file" || data.kind === "windows");
