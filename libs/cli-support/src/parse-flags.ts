import type { z } from "zod";
import { formatIssues } from "./error-format.js";
import { UsageError } from "./usage-error.js";

/** zod issues as `--flag-name: message; ...` on one line (camelCase keys become the flags commander parsed). */
export function formatFlagIssues(error: z.ZodError): string {
  return formatIssues(error.issues.map((i) => ({ name: `--${String(i.path[0] ?? "").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, message: i.message })));
}

/**
 * Validates a command's parsed options (commander's camelCase object) with its zod schema.
 * @throws UsageError listing every invalid flag with its message.
 */
export function parseFlags<T extends z.ZodType>(schema: T, options: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(options);
  if (!parsed.success) throw new UsageError(formatFlagIssues(parsed.error));
  return parsed.data;
}
