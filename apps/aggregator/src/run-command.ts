import { isAbortError } from "@fleetscore/contracts";
import { isEventLogError } from "@fleetscore/event-transport";
import { createLogger } from "@fleetscore/logger";
import { isReadingsCsvError } from "@fleetscore/readings-csv";
import { isAggregationError, openReadingSource, runAggregation, type AggregationSummary } from "@fleetscore/aggregation";
import { isAggregateStoreError, openAggregateStore, type AggregateStore } from "@fleetscore/sql-aggregates";
import { z } from "zod";
import { ExitCode } from "./exit-codes.js";
import { createProgressReporter } from "./progress.js";
import { UsageError, formatError, type CommandIo } from "@fleetscore/cli-support";
import { WindowingArgs, toWindowingOptions } from "./windowing-args.js";
import { eventHubsReadingSource } from "./event-hubs-source.js";

const log = createLogger("fleetscore:aggregator");

/** What to do when a checkpoint was made with other windowing options: windows of each size are kept apart. */
const NEW_CHECKPOINT_HINT =
  "To aggregate with other options (another --window), give that aggregation its own --checkpoint <name>: windows of each size are stored apart, and `score --window <size>` picks one.";

export const RunArgs = WindowingArgs.extend({
  from: z.string().min(1),
  to: z.string().min(1),
  follow: z.boolean().default(false),
  checkpoint: z.string().min(1).max(400).optional(),
  closeWindows: z.boolean().optional(),
  consumerGroup: z.string().min(1).optional(),
  checkpoints: z.string().min(1).optional(),
  arrivalTime: z.enum(["auto", "enqueued"]).default("auto"),
  namespace: z.string().min(1).optional(),
});
export type RunArgs = z.infer<typeof RunArgs>;

type RunIo = Pick<CommandIo, "stdout" | "stderr" | "env" | "abortSignal">;

/** Runs `run`; returns the exit code. */
export async function runRunCommand(args: RunArgs, io: RunIo): Promise<ExitCode> {
  const opening = args.from.startsWith("eventhubs:")
    ? eventHubsReadingSource(args.from.slice("eventhubs:".length), args, io.env)
    : openReadingSource(args.from);
  const source = await opening.catch((e: unknown) => {
    throw e instanceof UsageError ? e : new UsageError(`--from: ${(e as Error).message}`, { cause: e });
  });
  let store: AggregateStore;
  try {
    store = await openAggregateStore(args.to, {
      ...(io.env.FLEETSCORE_SQL_PASSWORD && { password: io.env.FLEETSCORE_SQL_PASSWORD }),
      abortSignal: io.abortSignal,
    });
  } catch (e) {
    await source.close();
    if (isAggregateStoreError(e) && e.code === "InvalidLocation") throw new UsageError(`--to: ${e.message}`, { cause: e });
    return failed(e, io, { saved: false });
  }
  const progress = createProgressReporter(io.stderr, { source: source.location, to: store.location });
  const started = performance.now();
  // Progress is reported after each batch is saved with its checkpoint: then the hint may speak of one.
  let saved = false;
  let summary: AggregationSummary;
  try {
    summary = await runAggregation({
      source,
      store,
      windowing: toWindowingOptions(args),
      ...(args.checkpoint && { checkpointName: args.checkpoint }),
      follow: args.follow,
      ...(args.closeWindows !== undefined && { closeWindowsAtEnd: args.closeWindows }),
      abortSignal: io.abortSignal,
      onProgress: (p) => {
        saved = true;
        progress.onProgress(p);
      },
      onMalformed: (m) => log.warning(`malformed reading set aside at ${m.where}: ${m.message}`, { source: source.location }),
    });
  } catch (e) {
    progress.stop();
    // The source's own errors (a broken CSV, an unusable log, a checkpoint from other options) name it: usage.
    // An event hub that went away (after the SDK's retries) is a run-time failure, like the database.
    if (isAggregationError(e) && e.code === "CheckpointMismatch") throw new UsageError(`${e.message}\n${NEW_CHECKPOINT_HINT}`, { cause: e });
    if (isAggregationError(e) || isReadingsCsvError(e) || (isEventLogError(e) && e.code !== "Unavailable")) throw new UsageError(e.message, { cause: e });
    if (isAbortError(e)) throw e;
    return failed(e, io, { saved });
  } finally {
    progress.stop();
    await store.close();
    await source.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const m = summary.metrics;
  io.stdout.write(
    [
      `aggregated ${source.location} into ${store.location}${summary.resumedFrom ? ` (continued from ${summary.resumedFrom})` : ""}`,
      `  readings ${summary.readings} (${Math.round(summary.readings / Math.max(seconds, 1e-3))}/s), malformed ${summary.malformed}${summary.deadLettered > 0 ? ` (${summary.deadLettered} kept in dead_letters)` : ""}, windows written ${summary.windowsWritten} in ${seconds.toFixed(2)} s`,
      `  since the first run: accepted ${m.accepted}, duplicates ${m.duplicates}, late adjusted ${m.lateAdjusted}, late dropped ${m.lateDropped}, out of order adjusted ${m.outOfOrderAdjusted}, out of order dropped ${m.outOfOrderDropped}, windows ${m.windowsEmitted}`,
      "",
    ].join("\n"),
  );
  // Following ends with SIGINT/SIGTERM by design: everything read was saved, so it is a clean stop.
  return ExitCode.Ok;
}

/**
 * A failure at run time (e.g. the database went away): say what running again does. The checkpoint is
 * spoken of only when this run saved one; before that (a first run, a database down at the start) a run
 * again simply starts where the database's checkpoint, if any, says.
 */
function failed(e: unknown, io: RunIo, run: { readonly saved: boolean }): ExitCode {
  // The database, or the event hub (after the SDK's retries), went away.
  const hubUnavailable = isEventLogError(e) && e.code === "Unavailable";
  if (!isAggregateStoreError(e) && !hubUnavailable) throw e;
  // A conflict with another aggregation's windows would only fail again: its message says what to do.
  const hint =
    isAggregateStoreError(e) && e.code === "WriteConflict"
      ? ""
      : run.saved
        ? "The last checkpoint is intact: run the same command again to continue."
        : "Nothing was saved by this run: run the same command again once the service is back.";
  io.stderr.write(formatError((e as Error).message, hint));
  return ExitCode.Failed;
}
