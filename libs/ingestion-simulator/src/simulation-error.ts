import { FleetscoreError, errorGuard } from "@fleetscore/contracts";

export type SimulationErrorCode =
  /** An option out of range or inconsistent (the message names it). */
  | "InvalidArgument"
  /** An input file (profiles CSV) that is missing, unreadable or has no valid reading. */
  | "InvalidInput"
  /** The transport failed mid-run; `sentCount` events were acknowledged before it. */
  | "SendFailed";

export class SimulationError extends FleetscoreError<SimulationErrorCode> {
  static readonly InvalidArgument = "InvalidArgument";
  static readonly InvalidInput = "InvalidInput";
  static readonly SendFailed = "SendFailed";
  /** For `SendFailed`: events acknowledged by the transport before the failure (rerun with `skip` = this to resume). */
  readonly sentCount: number;
  constructor(message: string, code: SimulationErrorCode, options?: ErrorOptions & { readonly sentCount?: number }) {
    super(message, code, options);
    this.sentCount = options?.sentCount ?? 0;
  }
}

export const isSimulationError = errorGuard(SimulationError);
