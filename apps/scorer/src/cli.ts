import { Option } from "commander";
import { createProgressReporter } from "./progress.js";
import { ModelsListArgs, ModelsPushArgs, runModelsListCommand, runModelsPushCommand } from "./models-command.js";
import { addModelsImportCommand } from "./models-import-command.js";
import { addModelsTrainCommand } from "./models-train-command.js";
import { addDataOptions } from "./data-options.js";
import { FinalizeArgs, ScoreArgs, runFinalizeCommand, runScoreCommand } from "./score-command.js";
import { createCli, packageVersion, type ProcessIo } from "@fleetscore/cli-support";

/** The process I/O, and a clock tests can set. */
export interface CliIo extends ProcessIo {
  readonly now?: () => Date;
}

const HELP_FOOTER = `
Blob URLs (--models, --data, --out, model stores) take no credentials: the account key of
AZURE_STORAGE_CONNECTION_STRING when it names the account, else DefaultAzureCredential.
Exit codes: 0 done, 1 run-time failure (a service or the disk), 2 usage or input error,
3 more models failed than --max-failed-models, 130 interrupted. See the README for the outputs.`;
const ALLOW_EMPTY = "exit 0 when the data has no row to score (status empty); default: exit 5";
const MODEL_STORE = "model store: a folder or http(s)://<account>/<container>[/<prefix>]";

/**
 * The scorer's command line. Returns the exit code instead of exiting so tests can run it in-process.
 * Logs go to stderr as JSON lines; the human summary goes to stdout.
 */
export async function runCli(argv: readonly string[], processIo: CliIo): Promise<number> {
  const { program, action, run, io } = createCli("fleetscore-scorer", "Scores one-class SVM anomaly models on sensor data and writes predictions and a run manifest.", processIo);

  const score = program
    .command("score")
    .description("Score every model on its rows of the data file.")
    .addHelpText("after", HELP_FOOTER)
    .requiredOption("--models <location>", "folder of model_<device>_<sensor>.onnx (+ optional .json float64 parameters), or a model store made by `models push`: a folder or a Blob container URL http(s)://<account>/<container>[/<prefix>], its current version or <location>@<version>");
  addDataOptions(score, "score")
    .requiredOption("--out <location>", "output folder or Blob container URL (not inside --models); the run writes <out>/<run-id>/")
    .option("--run-id <id>", "run id (default: start time in UTC, YYYYMMDDTHHMMSSZ)")
    .addOption(new Option("--engine <engine>", "scoring engine").choices(["auto", "onnx", "ts"]).default("auto"))
    .option("--workers <n>", "worker threads scoring in parallel; 0 scores on the main thread (default: available cores)")
    .option("--shard <i/n>", "score only shard i of n (0-based): n containers share one run; each writes _manifest.shard-i-of-n.json")
    .option("--balance-from <manifest>", "balance shards by the rows per model of an earlier run's _manifest.json (default: by model size)")
    .option("--resume", "keep the prediction files this run id already completed and score only the rest")
    .option("--max-failed-models <n|p%>", "fail the run (exit 3) when more models than this fail", "0")
    .option("--retries <n>", "attempts after the first for transient I/O errors (exponential backoff)", "3")
    .option("--allow-empty", ALLOW_EMPTY)
    .action(
      action(ScoreArgs, async (args) => {
        const progress = createProgressReporter(io.stderr, { runId: args.runId });
        try {
          return await runScoreCommand(args, {
            ...io,
            ...(io.env.FLEETSCORE_MODEL_CACHE_DIR && { modelCacheDir: io.env.FLEETSCORE_MODEL_CACHE_DIR }),
            onProgress: progress.onProgress,
            ...(processIo.now && { now: processIo.now }),
          });
        } finally {
          progress.stop();
        }
      }),
    );

  program
    .command("finalize")
    .description("Merge the shard manifests of a run into its _manifest.json (the last shard to finish does this itself).")
    .requiredOption("--out <dir|url>", "output folder or Blob container URL holding <run-id>/")
    .requiredOption("--run-id <id>", "the run to finalize")
    .option("--allow-empty", ALLOW_EMPTY)
    .action(action(FinalizeArgs, runFinalizeCommand));

  const models = program.command("models").description("Publish and list versions of a model store (a folder or an Azure Blob container URL).");
  models
    .command("push")
    .description("Upload a folder of models as a new immutable version and make it current.")
    .requiredOption("--from <dir>", "folder of model_<device>_<sensor>.onnx (+ optional .json float64 parameters)")
    .requiredOption("--to <location>", MODEL_STORE)
    .option("--version <id>", "version id (default: v<UTC time>-<6 hex>)")
    .action(action(ModelsPushArgs, runModelsPushCommand));
  models
    .command("list")
    .description("List the versions of a model store, newest first, marking the current one.")
    .requiredOption("--store <location>", MODEL_STORE)
    .action(action(ModelsListArgs, runModelsListCommand));
  addModelsImportCommand(models, action);
  addModelsTrainCommand(models, action);

  return run(argv, { version: packageVersion(import.meta.url), interruptedMessage: "the run stopped before its manifest was written" });
}
