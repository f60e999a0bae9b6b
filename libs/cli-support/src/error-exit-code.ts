import { CommonExitCode } from "./exit-codes.js";

/** What the user gave is wrong: a flag, a file or the configuration. */
const INPUT_CODES = [
  "Usage", "InputNotFound", "InvalidInput", "NoModels", "InvalidRun", "ShardMismatch", "InvalidLocation",
  "SchemaTooNew", "SchemaOutdated", "InvalidArgument", "InvalidSource", "CheckpointMismatch", "InvalidModel",
  "UnsupportedModel", "ModelMismatch", "FeatureMismatch", "BlobNotFound", "InvalidName", "InvalidEvent",
  "InvalidPosition", "InvalidOption", "InvalidSnapshot", "SnapshotMismatch", "ModelNotFound", "CorruptModel",
  "ChecksumMismatch", "VersionExists", "AuthenticationFailed", "RunNotFound", "InvalidLabels", "InvalidConfig",
  "UnknownPipeline", "NotFound", "ForbiddenGlobal", "ForbiddenConstruct", "UnsupportedEstimator", "CorruptPickle",
  "TooLarge", "InvalidParameters", "AmbiguousWindowSize", "InvalidWindowSize", "InvalidRange", "InputChanged",
  "TooFewRows", "ConstantValues", "InvalidValues",
] as const;

/** A service, the disk or another writer failed while the run was going. */
const RUN_TIME_CODES = [
  "Unavailable", "MigrationFailed", "InvalidRecord", "WriteConflict", "WriteFailed", "ReadFailed", "Closed",
  "OutputFailed", "PreconditionFailed", "RequestFailed", "Unreadable", "ConcurrentUpdate", "EngineUnavailable",
  "EngineFailed", "SessionReleased", "RunStoreUnavailable", "ExportFailed", "ArmError", "Conflict", "SendFailed",
  "InputUnavailable", "RunLeased", "LeaseAlreadyPresent", "LeaseLost",
] as const;

/** Node's system errors that reach a command unwrapped: the machine or a service, never a flag. */
const NODE_SYSTEM_CODES = ["ENOSPC", "EDQUOT", "EIO", "EROFS", "EMFILE", "ENFILE", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH"] as const;

/**
 * What an error `code` means for the process, for every code a fleetscore lib defines (a test reads the
 * libs' code unions and fails on a code missing here): `input` = the user must change a flag, a file or the
 * configuration (exit 2); `run-time` = a service, the disk or the run failed (exit 1: run it again later).
 * Codes are shared across libs on purpose (`Unavailable`, `InvalidInput`), so a code means one thing.
 */
export const ERROR_CODE_KINDS: Readonly<Record<string, "input" | "run-time">> = Object.freeze(
  Object.fromEntries([
    ...INPUT_CODES.map((code) => [code, "input"] as const),
    ...[...RUN_TIME_CODES, ...NODE_SYSTEM_CODES].map((code) => [code, "run-time"] as const),
  ]),
);

export interface ErrorOutcome {
  readonly exitCode: CommonExitCode;
  /** The error whose message to print: the run-time one when an input error wraps it (its flag would mislead). */
  readonly error: Error;
  /** False for an error no code explains (a bug): it is printed with its stack. */
  readonly known: boolean;
}

const codeOf = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
};

/**
 * The exit code of an error, by `code` only (never its message or class name), over its `cause` chain:
 * any run-time code in the chain makes it a run-time failure (an input error caused by PostgreSQL being
 * down is PostgreSQL being down), else any input code makes it a usage error, else it is internal.
 */
export function exitCodeForError(e: unknown): ErrorOutcome {
  let input: Error | undefined;
  const seen = new Set<unknown>();
  for (let at: unknown = e; at instanceof Error && !seen.has(at); at = at.cause) {
    seen.add(at);
    const kind = ERROR_CODE_KINDS[codeOf(at) ?? ""];
    if (kind === "run-time") return { exitCode: CommonExitCode.Failed, error: at, known: true };
    if (kind === "input") input ??= at;
  }
  if (input) return { exitCode: CommonExitCode.Usage, error: e as Error, known: true };
  return { exitCode: CommonExitCode.Internal, error: e instanceof Error ? e : new Error(String(e)), known: false };
}
