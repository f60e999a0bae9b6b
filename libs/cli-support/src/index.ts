export { UsageError, isUsageError } from "./usage-error.js";
export { formatFlagIssues, parseFlags } from "./parse-flags.js";
export { runMain } from "./run-main.js";
export type { ProcessIo } from "./run-main.js";
export { CommonExitCode, runProgram } from "./run-program.js";
export type { RunProgramOptions } from "./run-program.js";
