import { z } from "zod";
import { CommonExitCode, createCli, packageVersion, UsageError, type ProcessIo } from "@fleetscore/cli-support";
import { getRunReport } from "@fleetscore/scheduling";
import { formatReport, formatRuns } from "./format.js";
import { openScheduler } from "./open-scheduler.js";

/** A run-once whose run ended `failed` exits 3, as the scorer does when a run fails its threshold. */
export const RUN_FAILED_EXIT_CODE = 3;

const ConfigFlag = z.object({ config: z.string().min(1) });
const RunOnceFlags = ConfigFlag.extend({ pipeline: z.string().min(1), at: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional() });
const RunsFlags = ConfigFlag.extend({ last: z.coerce.number().int().positive().default(20) });
const ShowFlags = ConfigFlag.extend({ runId: z.string().min(1) });

/** The scheduler's command line; returns the exit code so tests run it in-process. */
export async function runCli(argv: readonly string[], processIo: ProcessIo): Promise<number> {
  const { program, action, run, io } = createCli("fleetscore-scheduler", "Runs scoring pipelines on their schedule (cron or recurrence) with the scorer CLI, keeping every run in a run store.", processIo);
  const withStore = async <T>(file: string, work: (opened: Awaited<ReturnType<typeof openScheduler>>) => Promise<T>): Promise<T> => {
    const opened = await openScheduler(file, io);
    try {
      return await work(opened);
    } finally {
      await opened.store.close();
    }
  };
  const CONFIG = ["--config <file>", "scheduler config (YAML or JSON)"] as const;

  program
    .command("start")
    .description("The daemon: resumes runs a crash left running, catches up, then runs every scheduled time; SIGTERM drains.")
    .requiredOption(...CONFIG)
    .action(
      action(ConfigFlag, async ({ config }) => {
        await withStore(config, ({ scheduler }) => scheduler.start({ abortSignal: io.abortSignal }));
        if (io.abortSignal.aborted) io.stderr.write("scheduler drained: running shards finished; unfinished runs resume on the next start\n");
      }),
    );

  program
    .command("run-once")
    .description("Run one scheduled time of a pipeline now (default: its latest time up to now); a finished run is not run again.")
    .requiredOption(...CONFIG)
    .requiredOption("--pipeline <name>", "the pipeline to run")
    .option("--at <iso>", "the scheduled time (ISO-8601), which names the run: <pipeline>-YYYYMMDDTHHMMZ")
    .action(
      action(RunOnceFlags, async (flags) => {
        const report = await withStore(flags.config, async ({ scheduler, store }) => {
          const done = await scheduler.runOnce(flags.pipeline, { ...(flags.at && { at: flags.at }), abortSignal: io.abortSignal });
          return getRunReport(store, done.runId);
        });
        io.stdout.write(formatReport(report));
        if (report.run.status === "failed") return RUN_FAILED_EXIT_CODE;
        return report.run.status === "running" ? CommonExitCode.Interrupted : CommonExitCode.Ok;
      }),
    );

  program
    .command("runs")
    .description("List the newest runs of every pipeline.")
    .requiredOption(...CONFIG)
    .option("--last <n>", "how many (default 20)")
    .action(action(RunsFlags, async (flags) => void io.stdout.write(formatRuns(await withStore(flags.config, ({ store }) => store.listRuns({ last: flags.last }))))));

  program
    .command("show")
    .description("One run: its shards, and every failed shard and model with its error and log path.")
    .requiredOption(...CONFIG)
    .argument("<run-id>")
    .action(
      action(ShowFlags, async ({ config, runId }) => {
        const report = await withStore(config, async ({ store }) => {
          try {
            return await getRunReport(store, runId);
          } catch (e) {
            if ((e as { code?: string }).code === "RunNotFound") throw new UsageError((e as Error).message);
            throw e;
          }
        });
        io.stdout.write(formatReport(report));
      }),
    );

  return run(argv, {
    version: packageVersion(import.meta.url),
    interruptedMessage: "drained: running shards finished; the run resumes on the next start or run-once",
  });
}
