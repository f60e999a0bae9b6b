import type { z } from "zod";
import { UsageError } from "./usage-error.js";

/** zod issues as `  --flag-name: message`, one per line (camelCase keys become the flags commander parsed). */
export function formatFlagIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `  --${String(i.path[0] ?? "").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${i.message}`)
    .join("\n");
}

/**
 * Validates a command's parsed options (commander's camelCase object) with its zod schema.
 * @throws UsageError listing every invalid flag with its message.
 */
export function parseFlags<T extends z.ZodType>(schema: T, options: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(options);
  if (!parsed.success) throw new UsageError(`Invalid arguments:\n${formatFlagIssues(parsed.error)}`);
  return parsed.data;
}
