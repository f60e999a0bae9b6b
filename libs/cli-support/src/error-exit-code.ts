import { CommonExitCode } from "./exit-codes.js";

/**
 * What an error `code` means for the process, for every code a fleetscore lib defines (a test reads the
 * libs' code unions and fails on a code missing here): `input` = the user must change a flag, a file or the
 * configuration (exit 2); `run-time` = a service, the disk or the run failed (exit 1: run it again later).
 * Codes are shared across libs on purpose (`Unavailable`, `InvalidInput`), so a code means one thing.
 */
export const ERROR_CODE_KINDS: Readonly<Record<string, "input" | "run-time">> = Object.freeze({
  // input: what the user gave is wrong
  Usage: "input", InputNotFound: "input", InvalidInput: "input", NoModels: "input", InvalidRun: "input",
  ShardMismatch: "input", InvalidLocation: "input", SchemaTooNew: "input", SchemaOutdated: "input",
  InvalidArgument: "input", InvalidSource: "input", CheckpointMismatch: "input", InvalidModel: "input",
  UnsupportedModel: "input", ModelMismatch: "input", FeatureMismatch: "input", BlobNotFound: "input",
  InvalidName: "input", InvalidEvent: "input", InvalidPosition: "input", InvalidOption: "input",
  InvalidSnapshot: "input", SnapshotMismatch: "input", ModelNotFound: "input", CorruptModel: "input",
  ChecksumMismatch: "input", VersionExists: "input", AuthenticationFailed: "input", RunNotFound: "input",
  InvalidLabels: "input", InvalidConfig: "input", UnknownPipeline: "input", NotFound: "input",
  ForbiddenGlobal: "input", ForbiddenConstruct: "input", UnsupportedEstimator: "input", CorruptPickle: "input",
  TooLarge: "input", InvalidParameters: "input", AmbiguousWindowSize: "input", InvalidWindowSize: "input",
  InvalidRange: "input", InputChanged: "input", TooFewRows: "input", ConstantValues: "input", InvalidValues: "input",
  // run-time: a service, the disk or another writer failed while the run was going
  Unavailable: "run-time", MigrationFailed: "run-time", InvalidRecord: "run-time", WriteConflict: "run-time",
  WriteFailed: "run-time", ReadFailed: "run-time", Closed: "run-time", OutputFailed: "run-time",
  PreconditionFailed: "run-time", RequestFailed: "run-time", Unreadable: "run-time", ConcurrentUpdate: "run-time",
  EngineUnavailable: "run-time", EngineFailed: "run-time", SessionReleased: "run-time", RunStoreUnavailable: "run-time",
  ExportFailed: "run-time", ArmError: "run-time", Conflict: "run-time", SendFailed: "run-time",
  InputUnavailable: "run-time", RunLeased: "run-time", LeaseAlreadyPresent: "run-time", LeaseLost: "run-time",
  // Node's system errors that reach a command unwrapped: the machine or a service, never a flag
  ENOSPC: "run-time", EDQUOT: "run-time", EIO: "run-time", EROFS: "run-time", EMFILE: "run-time", ENFILE: "run-time",
  ECONNREFUSED: "run-time", ECONNRESET: "run-time", ETIMEDOUT: "run-time", EPIPE: "run-time", EHOSTUNREACH: "run-time",
});

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
