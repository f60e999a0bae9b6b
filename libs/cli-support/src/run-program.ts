import { CommanderError, type Command } from "commander";
import { formatJsonLine, setLogSink } from "@fleetscore/logger";
import { isAbortError } from "@fleetscore/contracts";
import type { ProcessIo } from "./run-main.js";
import { UsageError } from "./usage-error.js";

/** The exit codes every fleetscore CLI shares; apps add their own (e.g. the scorer's 3). */
export const CommonExitCode = {
  Ok: 0,
  /** An error the app did not expect (printed with its stack). */
  Internal: 1,
  /** A bad flag, input or configuration: the message names it. */
  Usage: 2,
  /** Stopped by SIGINT/SIGTERM. */
  Interrupted: 130,
} as const;

export interface RunProgramOptions {
  /** Runs first, inside the error handling: read the environment, set the log level (a UsageError = exit 2). */
  readonly configure?: () => void;
  /** The exit code the command's action chose (actions store it where this reads it). */
  readonly exitCode: () => number;
  /** What stderr says when SIGINT/SIGTERM stopped the command. */
  readonly interruptedMessage: string;
}

/**
 * Runs a commander program (built with `.exitOverride()`) the way every fleetscore CLI does: log records
 * as JSON lines on stderr, help when there are no arguments, and errors mapped to exit codes: commander's
 * own and `UsageError`s to 2 (help and version to 0), an abort to 130, anything else to 1 with its stack.
 */
export async function runProgram(program: Command, argv: readonly string[], io: ProcessIo, options: RunProgramOptions): Promise<number> {
  try {
    setLogSink((record) => io.stderr.write(formatJsonLine(record) + "\n"));
    options.configure?.();
    if (argv.length === 0) {
      io.stderr.write(program.helpInformation());
      return CommonExitCode.Usage;
    }
    await program.parseAsync([...argv], { from: "user" });
    return options.exitCode();
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are successful exits; every other commander error is a usage error it has printed.
      return e.exitCode === 0 ? CommonExitCode.Ok : CommonExitCode.Usage;
    }
    if (e instanceof UsageError) {
      io.stderr.write(`error: ${e.message}\n`);
      return CommonExitCode.Usage;
    }
    if (isAbortError(e) || io.abortSignal.aborted) {
      io.stderr.write(`interrupted: ${options.interruptedMessage}\n`);
      return CommonExitCode.Interrupted;
    }
    io.stderr.write(`internal error: ${(e as Error).stack ?? String(e)}\n`);
    return CommonExitCode.Internal;
  } finally {
    setLogSink(undefined);
  }
}
