import { logger } from "../log.js";

/** What a slow-call warning names: the store's operation, the blob (or prefix) and the store's location. */
export interface StorageCall {
  readonly operation: string;
  readonly blob: string;
  readonly location: string;
}

/**
 * Runs one storage call, logging a warning each `warnAfterMs` it is still waiting (so a hung service is
 * seen in the logs long before the retries give up). `warnAfterMs` 0 or undefined: no warnings.
 */
export async function watchSlowCall<T>(call: StorageCall, warnAfterMs: number | undefined, work: () => Promise<T>): Promise<T> {
  const stop = startSlowCallWatch(call, warnAfterMs);
  try {
    return await work();
  } finally {
    stop();
  }
}

/** The watch of {@link watchSlowCall} for work that is not one promise (a listing's pages); returns its stop. */
export function startSlowCallWatch(call: StorageCall, warnAfterMs: number | undefined): () => void {
  if (!warnAfterMs) return () => undefined;
  const started = Date.now();
  const timer = setInterval(() => {
    logger.warning("storage call still waiting", { ...call, waitingMs: Date.now() - started });
  }, warnAfterMs);
  timer.unref();
  return () => clearInterval(timer);
}
