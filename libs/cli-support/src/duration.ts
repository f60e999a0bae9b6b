import ms from "ms";
import { z } from "zod";

/**
 * A duration flag: `5s`, `500ms`, `15m`, `1h` (vercel's `ms` grammar; a bare number means seconds), to
 * whole milliseconds. @throws Error naming the accepted forms.
 */
export function parseDuration(text: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) * 1000 : ms(text as ms.StringValue);
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || !Number.isInteger(value)) {
    throw new Error(`"${text}" is not a duration: use e.g. 5s, 500ms, 1m, 2h (a bare number means seconds)`);
  }
  return value;
}

/** {@link parseDuration} as a zod string schema, for flag schemas. */
export const Duration = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: (e as Error).message });
    return z.NEVER;
  }
});
