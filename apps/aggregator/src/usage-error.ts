/** A bad flag or input: exit code 2, message shown as is. */
export class UsageError extends Error {
  override name = "UsageError";
}
