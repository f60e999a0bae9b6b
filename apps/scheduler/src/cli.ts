import { Command } from "commander";
import { z } from "zod";
import { CommonExitCode, packageVersion, parseFlags, runProgram, UsageError, type ProcessIo } from "@fleetscore/cli-support";
import { getRunReport } from "@fleetscore/scheduling";
import { formatReport, formatRuns } from "./format.js";
import { openScheduler } from "./open-scheduler.js";

/** A run-once whose run ended `failed` exits 3, as the scorer does when a run fails its threshold. */
export const RUN_FAILED_EXIT_CODE = 3;

const ConfigFlag = z.object({ config: z.string().min(1) });
const RunOnceFlags = ConfigFlag.extend({ pipeline: z.string().min(1), at: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional() });
const RunsFlags = ConfigFlag.extend({ last: z.coerce.number().int().positive().default(20) });

/** The scheduler's command line; returns the exit code so tests run it in-process. */
export async function runCli(argv: readonly string[], io: ProcessIo): Promise<number> {
  let exitCode: number = CommonExitCode.Ok;
  const program = new Command("fleetscore-scheduler")
    .description("Runs scoring pipelines on their schedule (cron or recurrence) with the scorer CLI, keeping every run in a run store.")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  const withStore = async <T>(file: string, work: (opened: Awaited<ReturnType<typeof openScheduler>>) => Promise<T>): Promise<T> => {
    const opened = await openScheduler(file, io);
    try {
      return await work(opened);
    } finally {
      await opened.store.close();
    }
  };

  program
    .command("start")
    .description("The daemon: resumes runs a crash left running, catches up, then runs every scheduled time; SIGTERM drains.")
    .requiredOption("--config <file>", "scheduler config (YAML or JSON)")
    .action(async (opts: Record<string, unknown>) => {
      const { config } = parseFlags(ConfigFlag, opts);
      await withStore(config, ({ scheduler }) => scheduler.start({ abortSignal: io.abortSignal }));
      if (io.abortSignal.aborted) io.stderr.write("scheduler drained: running shards finished; unfinished runs resume on the next start\n");
    });

  program
    .command("run-once")
    .description("Run one scheduled time of a pipeline now (default: its latest time up to now); a finished run is not run again.")
    .requiredOption("--config <file>", "scheduler config (YAML or JSON)")
    .requiredOption("--pipeline <name>", "the pipeline to run")
    .option("--at <iso>", "the scheduled time (ISO-8601), which names the run: <pipeline>-YYYYMMDDTHHMMZ")
    .action(async (opts: Record<string, unknown>) => {
      const flags = parseFlags(RunOnceFlags, opts);
      const run = await withStore(flags.config, async ({ scheduler, store }) => {
        const done = await scheduler.runOnce(flags.pipeline, { ...(flags.at && { at: flags.at }), abortSignal: io.abortSignal });
        return getRunReport(store, done.runId);
      });
      io.stdout.write(formatReport(run));
      if (run.run.status === "failed") exitCode = RUN_FAILED_EXIT_CODE;
      else if (run.run.status === "running") exitCode = CommonExitCode.Interrupted;
    });

  program
    .command("runs")
    .description("List the newest runs of every pipeline.")
    .requiredOption("--config <file>", "scheduler config (YAML or JSON)")
    .option("--last <n>", "how many (default 20)")
    .action(async (opts: Record<string, unknown>) => {
      const flags = parseFlags(RunsFlags, opts);
      io.stdout.write(formatRuns(await withStore(flags.config, ({ store }) => store.listRuns({ last: flags.last }))));
    });

  program
    .command("show")
    .description("One run: its shards, and every failed shard and model with its error and log path.")
    .requiredOption("--config <file>", "scheduler config (YAML or JSON)")
    .argument("<run-id>")
    .action(async (runId: string, opts: Record<string, unknown>) => {
      const { config } = parseFlags(ConfigFlag, opts);
      const report = await withStore(config, async ({ store }) => {
        try {
          return await getRunReport(store, runId);
        } catch (e) {
          if ((e as { code?: string }).code === "RunNotFound") throw new UsageError((e as Error).message);
          throw e;
        }
      });
      io.stdout.write(formatReport(report));
    });

  return runProgram(program, argv, io, {
    version: packageVersion(import.meta.url),
    exitCode: () => exitCode,
    interruptedMessage: "drained: running shards finished; the run resumes on the next start or run-once",
  });
}
