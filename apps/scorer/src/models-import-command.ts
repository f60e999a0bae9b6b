import type { Command } from "commander";
import { UsageError, type Cli } from "@fleetscore/cli-support";
import { importSklearnModels, isSklearnImportError, type ImportSummary } from "@fleetscore/sklearn-import";
import { z } from "zod";
import { ExitCode } from "./exit-codes.js";

export const ModelsImportArgs = z.object({
  from: z.string().min(1),
  to: z.string().min(1),
  overwrite: z.boolean().default(false),
});
export type ModelsImportArgs = z.infer<typeof ModelsImportArgs>;

export interface ModelsImportContext {
  readonly stdout: { write(text: string): unknown };
  readonly abortSignal: AbortSignal;
}

/** Adds `models import` to the `models` command group; the action reports its exit code through `setExitCode`. */
export function addModelsImportCommand(models: Command, action: Cli["action"]): void {
  models
    .command("import")
    .description("Convert scikit-learn Pipeline(StandardScaler, OneClassSVM) / OneClassSVM pickles into model_<D>_<S>.json + .onnx, reading them as data (nothing in them is executed).")
    .requiredOption("--from <dir>", "folder of model_<device>_<sensor>, model_<device>_<sensor>.pkl or .joblib (plain or zlib/gzip joblib dumps)")
    .requiredOption("--to <dir>", "destination folder (created if missing)")
    .option("--overwrite", "replace models already in the destination (default: skip them)")
    .action(action(ModelsImportArgs, runModelsImportCommand));
}

/** Runs `models import`: exit 0 when every model file converted (or was skipped), 3 when some were refused. */
export async function runModelsImportCommand(args: ModelsImportArgs, ctx: ModelsImportContext): Promise<ExitCode> {
  let summary: ImportSummary;
  try {
    summary = await importSklearnModels(args.from, args.to, { overwrite: args.overwrite, abortSignal: ctx.abortSignal });
  } catch (e) {
    if (isSklearnImportError(e) && e.code === "InvalidLocation") throw new UsageError(`${e.file === args.from ? "--from" : "--to"}: ${e.message}`, { cause: e });
    throw e;
  }
  const { converted, refused, skipped } = summary;
  ctx.stdout.write(`imported ${args.from} into ${args.to}: ${converted.length} converted, ${refused.length} refused, ${skipped.length} skipped\n`);
  for (const r of refused) ctx.stdout.write(`  refused ${r.file} [${r.code}]: ${r.message.startsWith(`${r.file}: `) ? r.message.slice(r.file.length + 2) : r.message}\n`);
  for (const s of skipped) ctx.stdout.write(`  skipped ${s.file}: ${s.reason}\n`);
  return refused.length > 0 ? ExitCode.ModelsFailed : ExitCode.Ok;
}
