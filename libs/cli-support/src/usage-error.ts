import { FleetscoreError } from "@fleetscore/contracts";

/** A bad flag or input (file, URL): the app prints the message as is and exits with its usage code (2). */
export class UsageError extends FleetscoreError<"Usage"> {
  constructor(message: string, options?: ErrorOptions) {
    super(message, "Usage", options);
  }
}

export const isUsageError = (e: unknown): e is UsageError => e instanceof UsageError;
