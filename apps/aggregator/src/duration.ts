import ms from "ms";

/**
 * Parses a duration flag: `5s`, `500ms`, `1m`, `0` (vercel's `ms` grammar), to whole milliseconds.
 * @throws Error naming the accepted forms.
 */
export function parseDuration(text: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) * 1000 : ms(text as ms.StringValue);
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || !Number.isInteger(value)) {
    throw new Error(`"${text}" is not a duration: use e.g. 5s, 500ms, 1m (a bare number means seconds)`);
  }
  return value;
}
