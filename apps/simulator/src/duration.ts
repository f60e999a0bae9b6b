import ms from "ms";
import { z } from "zod";

/** A duration flag (`5s`, `500ms`, `1h`; a bare number means seconds) as whole milliseconds. */
export const Duration = z.string().transform((text, ctx) => {
  const value = /^\d+$/.test(text.trim()) ? Number(text) * 1000 : ms(text as ms.StringValue);
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || !Number.isInteger(value)) {
    ctx.addIssue({ code: "custom", message: `"${text}" is not a duration: use e.g. 5s, 500ms, 1h (a bare number means seconds)` });
    return z.NEVER;
  }
  return value;
});
