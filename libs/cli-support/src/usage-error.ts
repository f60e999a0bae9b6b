/** A bad flag or input (file, URL): the app prints the message as is and exits with its usage code (2). */
export class UsageError extends Error {
  override name = "UsageError";
}

export const isUsageError = (e: unknown): e is UsageError => e instanceof Error && e.name === "UsageError";
