import { CommanderError, type Command } from "commander";
import { formatJsonLine, setLogLevel, setLogSink, type LogLevel } from "@fleetscore/logger";
import { isAbortError } from "@fleetscore/contracts";
import type { ProcessIo } from "./run-main.js";
import { refuseCredentialsInArgs } from "./credentials.js";
import { readEnv, type FleetscoreEnv } from "./env.js";
import { exitCodeForError } from "./error-exit-code.js";
import { formatError } from "./error-format.js";
import { CommonExitCode } from "./exit-codes.js";

export interface RunProgramOptions {
  /** Runs first, inside the error handling, with the environment read once (a UsageError = exit 2). */
  readonly configure?: (env: FleetscoreEnv) => void;
  /** FLEETSCORE_LOG_LEVEL when unset (default `info`). */
  readonly defaultLogLevel?: LogLevel;
  /** The exit code the command's action chose (actions store it where this reads it). */
  readonly exitCode: () => number;
  /** What stderr says when SIGINT/SIGTERM stopped the command. */
  readonly interruptedMessage: string;
  /** The app's version, printed by `--version` (see packageVersion). */
  readonly version?: string;
}

/**
 * Runs a commander program (built with `.exitOverride()`) the way every fleetscore CLI does: log records
 * as JSON lines on stderr, the environment read and the log level set once, credentials in locations
 * refused, help when there are no arguments, and errors mapped to exit codes by `code` (exitCodeForError):
 * commander's own and input codes to 2 (help and version to 0), run-time codes to 1, an abort to 130,
 * anything else to 1 with its stack.
 */
export async function runProgram(program: Command, argv: readonly string[], io: ProcessIo, options: RunProgramOptions): Promise<number> {
  try {
    setLogSink((record) => io.stderr.write(formatJsonLine(record) + "\n"));
    if (options.version) {
      // Positional: the program's --version comes before a command, so `models push --version <id>` stays the command's.
      program.enablePositionalOptions().version(options.version, "-V, --version", "print the version and exit");
    }
    const env = readEnv(io.env, options.defaultLogLevel ? { defaultLogLevel: options.defaultLogLevel } : {});
    setLogLevel(env.FLEETSCORE_LOG_LEVEL);
    options.configure?.(env);
    if (argv.length === 0) {
      io.stderr.write(program.helpInformation());
      return CommonExitCode.Usage;
    }
    refuseCredentialsInArgs(argv);
    await program.parseAsync([...argv], { from: "user" });
    return options.exitCode();
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are successful exits; every other commander error is a usage error it has printed.
      return e.exitCode === 0 ? CommonExitCode.Ok : CommonExitCode.Usage;
    }
    const outcome = exitCodeForError(e);
    if (outcome.exitCode === CommonExitCode.Usage) {
      io.stderr.write(formatError(outcome.error.message));
      return CommonExitCode.Usage;
    }
    if (isAbortError(e) || io.abortSignal.aborted) {
      io.stderr.write(`interrupted: ${options.interruptedMessage}\n`);
      return CommonExitCode.Interrupted;
    }
    if (outcome.known) {
      io.stderr.write(formatError(outcome.error.message));
      return CommonExitCode.Failed;
    }
    io.stderr.write(`internal error: ${(e as Error).stack ?? String(e)}\n`);
    return CommonExitCode.Internal;
  } finally {
    setLogSink(undefined);
  }
}
