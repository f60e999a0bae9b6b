import { FleetscoreError, isFleetscoreError } from "@fleetscore/contracts";

/**
 * Why building or deploying the infrastructure failed, by the workspace's shared codes (so every CLI maps
 * them to the same exit code): `InvalidParameters`, a field of the parameters file (named in the message);
 * `ArmError`, Resource Manager refused or failed the what-if or the deployment, or a deployment has not
 * the outputs this template declares (`stage` says which, `armCode` is ARM's own code when it answered).
 */
export type InfraErrorCode = "InvalidParameters" | "ArmError";

export type InfraStage = "what-if" | "deploy" | "outputs";

export interface InfraErrorOptions extends ErrorOptions {
  readonly stage?: InfraStage;
  /** ARM's `error.code`, when ARM answered. */
  readonly armCode?: string;
}

export class InfraError extends FleetscoreError<InfraErrorCode> {
  readonly stage: InfraStage | undefined;
  readonly armCode: string | undefined;

  constructor(message: string, code: InfraErrorCode, options: InfraErrorOptions = {}) {
    super(message, code, options);
    this.stage = options.stage;
    this.armCode = options.armCode;
  }
}

export const isInfraError = (e: unknown, ...codes: readonly InfraErrorCode[]): e is InfraError => isFleetscoreError(e, ...codes) && e instanceof InfraError;
