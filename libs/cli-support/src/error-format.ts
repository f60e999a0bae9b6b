/**
 * The one shape of a failure on stderr, for every command of every app: `error: <what failed, where>` on
 * one line (a flag's problem as `error: --flag: problem`, several joined by `; `), then the hint, if any, on
 * its own lines. runProgram prints every error it maps this way; a command that reports a failure itself
 * (and returns its exit code) uses the same function.
 */
export function formatError(message: string, hint?: string): string {
  const hintLines = hint ? `${hint.endsWith("\n") ? hint : `${hint}\n`}` : "";
  return `error: ${message}\n${hintLines}`;
}

/** Problems of named things (flags, variables) as one line: `--workers: must be >= 0; --run-id: ...`. */
export function formatIssues(issues: readonly { readonly name: string; readonly message: string }[]): string {
  return issues.map((i) => `${i.name}: ${i.message}`).join("; ");
}
