export { UsageError, isUsageError } from "./usage-error.js";
export { formatFlagIssues, parseFlags } from "./parse-flags.js";
export { runMain } from "./run-main.js";
export type { ProcessIo } from "./run-main.js";
