/** Time as the scheduler sees it; tests pass a manual clock so no test waits on the real one. */
export interface Clock {
  now(): Date;
  /** Resolves at `until` (at once when it has passed); rejects with the signal's reason when aborted. */
  sleepUntil(until: Date, abortSignal?: AbortSignal): Promise<void>;
}

/** Longest single timer: setTimeout overflows past 2^31-1 ms, so long sleeps are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => new Date(),
  sleepUntil(until, abortSignal) {
    return new Promise((resolve, reject) => {
      if (abortSignal?.aborted) return reject(abortSignal.reason);
      let timer: NodeJS.Timeout;
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortSignal!.reason);
      };
      const arm = (): void => {
        const left = until.getTime() - Date.now();
        if (left <= 0) {
          abortSignal?.removeEventListener("abort", onAbort);
          return resolve();
        }
        timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
      };
      abortSignal?.addEventListener("abort", onAbort, { once: true });
      arm();
    });
  },
};

/** A semaphore: at most `limit` holders at once, the others wait in order. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
