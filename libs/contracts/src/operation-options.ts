/** Base of every options bag, as the Azure SDK's `OperationOptions`. Tracing joins here once we trace. */
export interface OperationOptions {
  /** Cancels the operation; it then rejects with an `AbortError`. */
  readonly abortSignal?: AbortSignal;
}
