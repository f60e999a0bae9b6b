import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { createProgressReporter, perSecond, UsageError, type Cli, type FleetscoreEnv } from "@fleetscore/cli-support";
import { createLogger } from "@fleetscore/logger";
import { isSvmTrainingError, trainModels, type TrainProgress, type TrainSummary } from "@fleetscore/svm-training";
import { z } from "zod";
import { addDataOptions, openDataInput } from "./data-options.js";
import { ExitCode } from "./exit-codes.js";

const log = createLogger("fleetscore:scorer");

const finiteNumber = z.coerce.number().refine(Number.isFinite, "must be a finite number");
export const ModelsTrainArgs = z.object({
  data: z.string().min(1),
  out: z.string().min(1),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  window: z.string().min(1).optional(),
  nu: finiteNumber.refine((v) => v > 0 && v <= 1, "must be in (0, 1]").default(0.05),
  kernel: z.enum(["rbf", "linear", "poly", "sigmoid"]).default("rbf"),
  gamma: z.union([z.enum(["scale", "auto"]), finiteNumber.refine((v) => v >= 0, "must be scale, auto or a number >= 0")]).default("scale"),
  degree: z.coerce.number().int().min(0).default(3),
  coef0: finiteNumber.default(0),
  tol: finiteNumber.refine((v) => v > 0, "must be > 0").default(0.001),
  workers: z.coerce.number().int().min(0).max(256).default(availableParallelism()),
});
export type ModelsTrainArgs = z.infer<typeof ModelsTrainArgs>;

export interface ModelsTrainContext {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  /** The environment as cli-support read it (the SQL password, Blob credentials). */
  readonly env?: FleetscoreEnv;
  readonly abortSignal: AbortSignal;
}

/** Adds `models train` to the `models` command group. */
export function addModelsTrainCommand(models: Command, action: Cli["action"]): void {
  addDataOptions(models.command("train").description("Train one Pipeline(StandardScaler, OneClassSVM) per device and sensor of the data, as scikit-learn 1.2 fits it, into model_<D>_<S>.json + .onnx."), "train on")
    .requiredOption("--out <dir>", "folder for the model files (created if missing; models there are replaced)")
    .option("--nu <x>", "OneClassSVM nu, in (0, 1]", "0.05")
    .option("--kernel <kernel>", "rbf | linear | poly | sigmoid", "rbf")
    .option("--gamma <gamma>", "scale (1 / (n_features * X.var())) | auto (1 / n_features) | a number", "scale")
    .option("--degree <n>", "poly kernel degree", "3")
    .option("--coef0 <x>", "poly and sigmoid kernels' independent term", "0")
    .option("--tol <x>", "solver stopping tolerance", "0.001")
    .option("--workers <n>", "worker threads training in parallel; 0 trains on the main thread (default: available cores)")
    .action(action(ModelsTrainArgs, runModelsTrainCommand));
}

/** Runs `models train`: exit 0 when every model trained, 3 when some could not be (they are listed). */
export async function runModelsTrainCommand(args: ModelsTrainArgs, ctx: ModelsTrainContext): Promise<ExitCode> {
  const started = performance.now();
  const input = await openDataInput(args, ctx);
  const progress = createTrainProgressReporter(ctx.stderr);
  let summary: TrainSummary;
  try {
    const { data: _data, out, from: _from, to: _to, window: _window, ...options } = args;
    summary = await trainModels(input, out, { ...options, abortSignal: ctx.abortSignal, onProgress: progress.onProgress });
  } catch (e) {
    if (isSvmTrainingError(e)) throw new UsageError(`${e.code === "InvalidLocation" ? "--out" : e.code === "InvalidInput" ? "--data" : "--nu/--gamma/--degree/--tol"}: ${e.message}`, { cause: e });
    throw e;
  } finally {
    progress.stop();
    await input.close();
  }
  ctx.stdout.write(formatTrainSummary(args, input.location, summary, (performance.now() - started) / 1000));
  return summary.failed.length > 0 ? ExitCode.ModelsFailed : ExitCode.Ok;
}

function formatTrainSummary(args: ModelsTrainArgs, location: string, s: TrainSummary, seconds: number): string {
  const sv = s.trained.map((m) => m.nSupportVectors);
  const lines = [
    `trained ${location} into ${args.out}: ${s.trained.length} models trained, ${s.failed.length} failed of ${s.trained.length + s.failed.length}`,
    `  rows ${s.rows}${s.malformed > 0 ? ` (${s.malformed} malformed skipped)` : ""}; OneClassSVM(kernel=${args.kernel}, nu=${args.nu}, gamma=${args.gamma}${args.kernel === "poly" ? `, degree=${args.degree}` : ""}${args.kernel === "poly" || args.kernel === "sigmoid" ? `, coef0=${args.coef0}` : ""}, tol=${args.tol}) after StandardScaler`,
    ...(sv.length > 0 ? [`  support vectors per model: min ${Math.min(...sv)}, mean ${(sv.reduce((a, b) => a + b, 0) / sv.length).toFixed(1)}, max ${Math.max(...sv)}`] : []),
    `  ${seconds.toFixed(2)} s (${perSecond(s.trained.length + s.failed.length, seconds)} models/s, ${args.workers} worker${args.workers === 1 ? "" : "s"})`,
    ...s.failed.map((f) => `  failed ${f.modelId} [${f.code}] (${f.rows} rows): ${f.message.replace(`model ${f.modelId}: `, "")}`),
  ];
  return `${lines.join("\n")}\n`;
}

/** On a TTY a bar (models trained, after a reading phase); elsewhere an `info` JSON line about every 10% of the models. */
function createTrainProgressReporter(stream: { isTTY?: boolean }) {
  let nextTenth = 1;
  return createProgressReporter<TrainProgress>(stream, {
    format: "training |{bar}| {percentage}% | {phase} | models {models} | {rate} models/s",
    bar: (p, s) => ({
      value: p.phase === "reading" ? 0 : p.modelsDone,
      total: Math.max(1, p.modelsTotal),
      payload: { phase: p.phase === "reading" ? `reading ${p.rows.toLocaleString("en-US")} rows` : "training", models: `${p.modelsDone}/${p.modelsTotal}`, rate: perSecond(p.modelsDone, s).toLocaleString("en-US") },
    }),
    logLine: (p) => {
      if (p.phase !== "training" || (p.modelsDone * 10) / p.modelsTotal < nextTenth) return undefined;
      nextTenth = Math.floor((p.modelsDone * 10) / p.modelsTotal) + 1;
      return { phase: "training", modelsDone: p.modelsDone, modelsTotal: p.modelsTotal };
    },
    logger: log,
  });
}
