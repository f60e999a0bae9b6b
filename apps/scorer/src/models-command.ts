import { isModelStoreError, listModelVersions, pushModelVersion } from "@fleetscore/model-store";
import { isBlobStoreError } from "@fleetscore/storage";
import { z } from "zod";
import { ExitCode } from "./exit-codes.js";
import { UsageError } from "@fleetscore/cli-support";

export const ModelsPushArgs = z.object({
  from: z.string().min(1),
  to: z.string().min(1),
  version: z.string().min(1).optional(),
});
export type ModelsPushArgs = z.infer<typeof ModelsPushArgs>;

export const ModelsListArgs = z.object({ store: z.string().min(1) });
export type ModelsListArgs = z.infer<typeof ModelsListArgs>;

export interface ModelsCommandContext {
  readonly stdout: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly abortSignal: AbortSignal;
}

/** Runs `models push`: publishes a folder of models as a new version and makes it current. */
export async function runModelsPushCommand(args: ModelsPushArgs, ctx: ModelsCommandContext): Promise<ExitCode> {
  try {
    const record = await pushModelVersion(args.from, args.to, {
      env: ctx.env,
      abortSignal: ctx.abortSignal,
      ...(args.version && { version: args.version }),
    });
    ctx.stdout.write(`pushed version ${record.version}: ${record.files.length} files, ${record.models} models; current is now ${record.version}\n`);
    return ExitCode.Ok;
  } catch (e) {
    throw asUsageError(e, (code) => (code === "InvalidInput" ? "--from" : code === "VersionExists" ? "--version" : "--to"));
  }
}

/** Runs `models list`: one line per version, newest first, `*` marking the current one. */
export async function runModelsListCommand(args: ModelsListArgs, ctx: ModelsCommandContext): Promise<ExitCode> {
  try {
    const versions = await listModelVersions(args.store, { env: ctx.env, abortSignal: ctx.abortSignal });
    if (versions.length === 0) {
      ctx.stdout.write(`no model versions in ${args.store}; push one with \`models push --from <dir> --to ${args.store}\`\n`);
      return ExitCode.Ok;
    }
    const width = Math.max(...versions.map((v) => v.version.length));
    ctx.stdout.write(`  ${"version".padEnd(width)}  ${"models".padStart(6)}  created\n`);
    for (const v of versions) {
      ctx.stdout.write(`${v.current ? "*" : " "} ${v.version.padEnd(width)}  ${String(v.models).padStart(6)}  ${v.created}${v.current ? "  (current)" : ""}\n`);
    }
    return ExitCode.Ok;
  } catch (e) {
    throw asUsageError(e, () => "--store");
  }
}

/** Location and input errors become usage errors naming the flag; anything else stays internal. */
function asUsageError(e: unknown, flagOf: (code: string | undefined) => string): unknown {
  if (isModelStoreError(e)) return new UsageError(`${flagOf(e.code)}: ${e.message}`, { cause: e });
  // A storage error reaching here is about the store's location itself (never the models folder).
  if (isBlobStoreError(e)) return new UsageError(`${flagOf(undefined)}: ${e.message}`, { cause: e });
  return e;
}
