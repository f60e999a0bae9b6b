/**
 * The abort helpers every lib shares. An aborted `abortSignal` rejects with a DOMException named
 * `AbortError` (Node's, the DOM's and the Azure SDK's flavour all agree on that one standard name).
 */

/** True for the `AbortError` an aborted `abortSignal` produces (Node, DOM or Azure SDK flavour). */
export function isAbortError(e: unknown): e is Error {
  return (e instanceof Error || e instanceof DOMException) && e.name === "AbortError";
}

/** A new `AbortError`, as `AbortSignal.abort()` produces. */
export function abortError(): Error {
  return new DOMException("The operation was aborted.", "AbortError");
}

/** Throws an `AbortError` when the signal has fired (whatever `reason` it was given), as the Azure SDK does. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError();
}
