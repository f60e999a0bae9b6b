import { isAbortError } from "./abort.js";
import type { OperationOptions } from "./operation-options.js";

export interface RetryOptions extends OperationOptions {
  /** Attempts after the first. */
  readonly retries: number;
  /** Delay before the first retry; doubles each time (exponential backoff) with +-25% jitter. */
  readonly initialDelayInMs: number;
  /** Which errors are worth another attempt. */
  readonly isTransient: (e: unknown) => boolean;
  readonly onRetry?: (e: unknown, attempt: number, delayInMs: number) => void;
}

/** Runs `fn`, retrying transient failures with exponential backoff; rethrows the last error. */
export async function withRetries<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    options.abortSignal?.throwIfAborted();
    try {
      return await fn();
    } catch (e) {
      if (attempt >= options.retries || !options.isTransient(e) || isAbortError(e)) throw e;
      const delay = options.initialDelayInMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
      options.onRetry?.(e, attempt + 1, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

const TRANSIENT_IO_CODES = new Set(["EIO", "EAGAIN", "EBUSY", "EMFILE", "ENFILE", "ETIMEDOUT", "ECONNRESET", "EPIPE"]);

/** I/O errors that may go away on their own. */
export function isTransientIoError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" && TRANSIENT_IO_CODES.has(code);
}
