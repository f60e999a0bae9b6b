import { BlobStoreError } from "../blob-store-error.js";
import { DEFAULT_SLOW_CALL_WARNING_AFTER_MS } from "./azure-blob-store.js";

/** A try without an answer in this time is ended and retried (a frozen or black-holed service). */
export const DEFAULT_TRY_TIMEOUT_IN_MS = 120_000;

export interface StorageTimeouts {
  readonly tryTimeoutInMs: number;
  readonly slowCallWarningAfterMs: number;
}

interface StorageTimeoutSources {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly retryOptions?: { readonly tryTimeoutInMs?: number };
  readonly slowCallWarningAfterMs?: number;
}

function fromEnv(env: StorageTimeoutSources["env"], name: string): number | undefined {
  const text = env?.[name];
  if (text === undefined || text === "") return undefined;
  if (!/^\d+$/.test(text)) throw new BlobStoreError(`${name} must be a whole number of milliseconds, not ${JSON.stringify(text.slice(0, 40))}`, "InvalidLocation");
  return Number(text);
}

/**
 * The per-try timeout and the slow-call warning threshold of a store: the options given, else the
 * environment (`FLEETSCORE_STORAGE_TRY_TIMEOUT_MS`, `FLEETSCORE_STORAGE_SLOW_CALL_MS`), else the defaults.
 */
export function storageTimeouts(sources: StorageTimeoutSources): StorageTimeouts {
  return {
    tryTimeoutInMs: sources.retryOptions?.tryTimeoutInMs ?? fromEnv(sources.env, "FLEETSCORE_STORAGE_TRY_TIMEOUT_MS") ?? DEFAULT_TRY_TIMEOUT_IN_MS,
    slowCallWarningAfterMs: sources.slowCallWarningAfterMs ?? fromEnv(sources.env, "FLEETSCORE_STORAGE_SLOW_CALL_MS") ?? DEFAULT_SLOW_CALL_WARNING_AFTER_MS,
  };
}
