import { Command, CommanderError, Option } from "commander";
import { z } from "zod";
import { formatJsonLine, setLogLevel, setLogSink } from "@fleetscore/logger";
import { ConfigError, loadConfig } from "./config.js";
import { ExitCode } from "./exit-codes.js";
import { ScoreArgs, runScoreCommand } from "./score-command.js";
import { UsageError } from "./usage-error.js";

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
  readonly abortSignal: AbortSignal;
  readonly now?: () => Date;
}

/**
 * The scorer's command line. Returns the exit code instead of exiting so tests can run it in-process.
 * Logs go to stderr as JSON lines; the human summary goes to stdout.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const program = new Command("fleetscore-scorer")
    .description("Scores one-class SVM anomaly models on sensor data and writes predictions and a run manifest.")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  program
    .command("score")
    .description("Score every model on its rows of the data file.")
    .requiredOption("--models <dir>", "folder of model_<device>_<sensor>.onnx (+ optional .json float64 parameters)")
    .requiredOption("--data <file>", "readings CSV with columns TS,Device,Sensor,Value (plain or .gz)")
    .requiredOption("--out <dir>", "output folder; the run writes <out>/<run-id>/")
    .option("--run-id <id>", "run id (default: start time in UTC, YYYYMMDDTHHMMSSZ)")
    .addOption(new Option("--engine <engine>", "scoring engine").choices(["auto", "onnx", "ts"]).default("auto"))
    .option("--max-concurrency <n>", "models loaded and scored at once", "4")
    .action(async (opts: Record<string, unknown>) => {
      const args = ScoreArgs.safeParse(opts);
      if (!args.success) throw new UsageError(`Invalid arguments:\n${formatFlagIssues(args.error)}`);
      exitCode = await runScoreCommand(args.data, {
        stdout: io.stdout,
        abortSignal: io.abortSignal,
        ...(io.now && { now: io.now }),
      });
    });

  try {
    const config = loadConfig(io.env);
    setLogLevel(config.logLevel);
    setLogSink((record) => io.stderr.write(formatJsonLine(record) + "\n"));
    if (argv.length === 0) {
      io.stderr.write(program.helpInformation());
      return ExitCode.Usage;
    }
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are successful exits; every other commander error is a usage error it has printed.
      return e.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    if (e instanceof UsageError || e instanceof ConfigError) {
      io.stderr.write(`error: ${e.message}\n`);
      return ExitCode.Usage;
    }
    if ((e as Error).name === "AbortError" || io.abortSignal.aborted) {
      io.stderr.write("interrupted: the run stopped before its manifest was written\n");
      return ExitCode.Interrupted;
    }
    io.stderr.write(`internal error: ${(e as Error).stack ?? String(e)}\n`);
    return ExitCode.Internal;
  } finally {
    setLogSink(undefined);
  }
}

/** zod issues as `--flag-name: message`, one per line. */
function formatFlagIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `  --${String(i.path[0] ?? "").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${i.message}`)
    .join("\n");
}
