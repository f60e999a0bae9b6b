/** Maps items with at most `maxConcurrency` calls in flight; results in input order; the first failure rejects. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  maxConcurrency: number,
  fn: (item: T, index: number) => Promise<R>,
  abortSignal?: AbortSignal,
): Promise<R[]> {
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) throw new RangeError(`maxConcurrency must be an integer >= 1, got ${maxConcurrency}`);
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      abortSignal?.throwIfAborted();
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(maxConcurrency, items.length) }, worker));
  return results;
}

/** A counting semaphore: `run(fn)` waits until fewer than `limit` calls are in flight. */
export class Semaphore {
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  constructor(readonly limit: number) {}
  async run<R>(fn: () => Promise<R>): Promise<R> {
    if (this.#active >= this.limit) await new Promise<void>((r) => this.#waiting.push(r)); // a finishing call hands its slot over
    else this.#active++;
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }
}
