/** `--max-failed-models`: a count of models (`"3"`) or a percentage of the models with data (`"5%"`). */
export interface FailureThreshold {
  readonly text: string;
  /** True when `failed` models out of `attempted` is more than the threshold allows. */
  exceeded(failed: number, attempted: number): boolean;
}

/** @throws RangeError naming the value when it is neither `n` nor `p%`. */
export function parseFailureThreshold(text: string): FailureThreshold {
  const t = text.trim();
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(t);
  if (pct) {
    const p = Number(pct[1]);
    if (p > 100) throw new RangeError(`max failed models "${text}" must be a percentage between 0% and 100%`);
    return { text: t, exceeded: (failed, attempted) => failed > (p / 100) * attempted };
  }
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    return { text: t, exceeded: (failed) => failed > n };
  }
  throw new RangeError(`max failed models "${text}" must be a count (e.g. 3) or a percentage (e.g. 5%)`);
}
