import { FleetscoreError, errorGuard } from "@fleetscore/contracts";

export type SklearnImportErrorCode =
  /** The pickle names a global (a class or function) that is not on the allow-list; nothing was called. */
  | "ForbiddenGlobal"
  /** The pickle uses a construct that would run code or needs outside state (INST/OBJ, persistent ids, extension codes, out-of-band buffers). */
  | "ForbiddenConstruct"
  /** A scikit-learn estimator other than Pipeline(StandardScaler, OneClassSVM) or a bare OneClassSVM (a classifier, another pipeline). */
  | "UnsupportedEstimator"
  /** The bytes are not a well-formed pickle: truncated, an unknown opcode, a length beyond the end of the file, a stack or memo error. */
  | "CorruptPickle"
  /** The file, or what it decompresses to, is larger than the import's byte limit. */
  | "TooLarge"
  /** The estimator's fitted parameters are unusable: missing, not finite, of the wrong shape or dtype. */
  | "InvalidParameters"
  /** (Folder import) the source is not a folder, or the destination cannot be created. */
  | "InvalidLocation";

/** Why one file cannot be imported. `file` names it; `offset` is the byte of the pickle where reading stopped, when known. */
export class SklearnImportError extends FleetscoreError<SklearnImportErrorCode> {
  constructor(
    message: string,
    code: SklearnImportErrorCode,
    readonly file: string,
    options?: ErrorOptions & { readonly offset?: number },
  ) {
    super(message, code, options);
    if (options?.offset !== undefined) this.offset = options.offset;
  }
  readonly offset?: number;
}

export const isSklearnImportError = errorGuard(SklearnImportError);
