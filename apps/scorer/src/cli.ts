import { Command, Option } from "commander";
import { setLogLevel } from "@fleetscore/logger";
import { loadConfig, type Config } from "./config.js";
import { ExitCode } from "./exit-codes.js";
import { createProgressReporter } from "./progress.js";
import { ModelsListArgs, ModelsPushArgs, runModelsListCommand, runModelsPushCommand } from "./models-command.js";
import { addModelsImportCommand } from "./models-import-command.js";
import { FinalizeArgs, ScoreArgs, runFinalizeCommand, runScoreCommand } from "./score-command.js";
import { parseFlags, runProgram } from "@fleetscore/cli-support";

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
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
  let config: Config | undefined;
  const program = new Command("fleetscore-scorer")
    .description("Scores one-class SVM anomaly models on sensor data and writes predictions and a run manifest.")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  program
    .command("score")
    .description("Score every model on its rows of the data file.")
    .requiredOption("--models <dir>", "folder of model_<device>_<sensor>.onnx (+ optional .json float64 parameters)")
    .requiredOption("--data <file|url>", "readings CSV with columns TS,Device,Sensor,Value (plain or .gz; a path or a blob URL), or window aggregates in SQL: sqlite:<file> | postgres://... | mssql://... (with --from/--to)")
    .option("--from <iso>", "with a SQL --data: score the windows ending after this time (exclusive), e.g. 2018-08-29T00:00:00Z")
    .option("--to <iso>", "with a SQL --data: ... and up to this time (inclusive)")
    .option("--window <size>", "with a SQL --data: the window size to score (e.g. 5s, 1m); needed when the database holds several")
    .requiredOption("--out <dir>", "output folder; the run writes <out>/<run-id>/")
    .option("--run-id <id>", "run id (default: start time in UTC, YYYYMMDDTHHMMSSZ)")
    .addOption(new Option("--engine <engine>", "scoring engine").choices(["auto", "onnx", "ts"]).default("auto"))
    .option("--workers <n>", "worker threads scoring in parallel; 0 scores on the main thread (default: available cores)")
    .option("--shard <i/n>", "score only shard i of n (0-based): n containers share one run; each writes _manifest.shard-i-of-n.json")
    .option("--balance-from <manifest>", "balance shards by the rows per model of an earlier run's _manifest.json (default: by model size)")
    .option("--resume", "keep the prediction files this run id already completed and score only the rest")
    .option("--max-failed-models <n|p%>", "fail the run (exit 3) when more models than this fail", "0")
    .option("--retries <n>", "attempts after the first for transient I/O errors (exponential backoff)", "3")
    .option("--allow-empty", "exit 0 when the data has no row to score (status empty); default: exit 5")
    .action(async (opts: Record<string, unknown>) => {
      const args = parseFlags(ScoreArgs, opts);
      const progress = createProgressReporter(io.stderr, { runId: args.runId });
      try {
        exitCode = await runScoreCommand(args, {
          stdout: io.stdout,
          stderr: io.stderr,
          env: io.env,
          ...(config?.modelCacheDir && { modelCacheDir: config.modelCacheDir }),
          abortSignal: io.abortSignal,
          onProgress: progress.onProgress,
          ...(io.now && { now: io.now }),
        });
      } finally {
        progress.stop();
      }
    });

  program
    .command("finalize")
    .description("Merge the shard manifests of a run into its _manifest.json (the last shard to finish does this itself).")
    .requiredOption("--out <dir|url>", "output folder or Blob container URL holding <run-id>/")
    .requiredOption("--run-id <id>", "the run to finalize")
    .option("--allow-empty", "exit 0 when the run had no row to score (status empty); default: exit 5")
    .action(async (opts: Record<string, unknown>) => {
      const args = parseFlags(FinalizeArgs, opts);
      exitCode = await runFinalizeCommand(args, { stdout: io.stdout, stderr: io.stderr, env: io.env, abortSignal: io.abortSignal });
    });

  const models = program.command("models").description("Publish and list versions of a model store (a folder or an Azure Blob container URL).");
  models
    .command("push")
    .description("Upload a folder of models as a new immutable version and make it current.")
    .requiredOption("--from <dir>", "folder of model_<device>_<sensor>.onnx (+ optional .json float64 parameters)")
    .requiredOption("--to <location>", "model store: a folder or http(s)://<account>/<container>[/<prefix>]")
    .option("--version <id>", "version id (default: v<UTC time>-<6 hex>)")
    .action(async (opts: Record<string, unknown>) => {
      const args = parseFlags(ModelsPushArgs, opts);
      exitCode = await runModelsPushCommand(args, { stdout: io.stdout, env: io.env, abortSignal: io.abortSignal });
    });
  models
    .command("list")
    .description("List the versions of a model store, newest first, marking the current one.")
    .requiredOption("--store <location>", "model store: a folder or http(s)://<account>/<container>[/<prefix>]")
    .action(async (opts: Record<string, unknown>) => {
      const args = parseFlags(ModelsListArgs, opts);
      exitCode = await runModelsListCommand(args, { stdout: io.stdout, env: io.env, abortSignal: io.abortSignal });
    });
  addModelsImportCommand(models, io, (code) => (exitCode = code));

  return runProgram(program, argv, io, {
    configure: () => {
      config = loadConfig(io.env);
      setLogLevel(config.logLevel);
    },
    exitCode: () => exitCode,
    interruptedMessage: "the run stopped before its manifest was written",
  });
}

