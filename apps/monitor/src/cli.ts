import type { Command } from "commander";
import type { z } from "zod";
import { createCli, packageVersion, type ProcessIo } from "@fleetscore/cli-support";
import { ReportArgs, RunsArgs, ShowArgs, WatchArgs } from "./args.js";
import { configFromEnv } from "./config.js";
import type { MonitorContext } from "./context.js";
import type { AzureDeps } from "./sources/open-sources.js";
import { runReportCommand } from "./report-command.js";
import { runRunsCommand, runShowCommand } from "./show-command.js";
import { runWatchCommand } from "./watch-command.js";

const OUT = ["--out <location>", "output location of the runs: a folder or a Blob container URL (http(s)://<account>/<container>[/<prefix>]); default: the --config pipelines' output"] as const;
const CONFIG = ["--config <file>", "the scheduler's (or publisher's) config: adds its run store's runs, shards and logs, and Azure ML job status with an azure section"] as const;
const STALE = ["--stale-after <duration>", "a run without _manifest.json whose files have not changed for this long is abandoned", "15m"] as const;
const LOGS = ["--logs <path...>", "the scorer's JSON-line logs (its stderr saved to files), files or folders of *.log/*.jsonl"] as const;

/** The monitor's command line. Returns the exit code (see exit-codes.ts) so tests run it in-process. */
export async function runCli(argv: readonly string[], processIo: ProcessIo, azure: AzureDeps = {}): Promise<number> {
  const cli = createCli("fleetscore-monitor", "Monitors scoring runs: which model failed and why, live progress, and a visual report.", processIo);
  const { program, io } = cli;
  const ctx = (): MonitorContext => ({ ...io, env: io.env, config: configFromEnv(io.env), azure });
  const action = <S extends z.ZodType>(schema: S, run: (args: z.infer<S>, ctx: MonitorContext) => Promise<number>) => cli.action(schema, (args) => run(args, ctx()));
  /** A command on one run: `<run-id>` and where its runs are (`--out`, `--config`). */
  const runCommand = (name: string, description: string): Command => program.command(name).description(description).argument("<run-id>").option(...OUT).option(...CONFIG);
  /** What a command that reads the scorer's logs and judges abandonment takes. */
  const logsAndStaleness = (command: Command): Command => command.option(...LOGS).option(...STALE);

  program
    .command("runs")
    .description("List the newest runs: status, shards done, models ok/failed, rows, anomalies, duration.")
    .option(...OUT)
    .option(...CONFIG)
    .option("--last <n>", "how many runs, newest first", "20")
    .option("--json", "print JSON instead of a table")
    .option(...STALE)
    .action(action(RunsArgs, runRunsCommand));

  logsAndStaleness(
    runCommand("show", "Show one run: status, each shard, and every failed model with its error and where it is logged.").option("--json", "print JSON instead of text"),
  ).action(action(ShowArgs, runShowCommand));

  logsAndStaleness(
    runCommand("watch", "Follow a run until it ends: a progress bar on a terminal, JSON lines otherwise.").option("--interval <duration>", "time between two looks at the run", "2s"),
  ).action(action(WatchArgs, runWatchCommand));

  logsAndStaleness(
    runCommand("report", "Write one self-contained HTML report of a run (charts inline; it opens with no network).")
      .requiredOption("--html <file>", "the HTML file to write")
      .option("--labels <csv>", "ground truth for precision and recall: CSV with columns device,sensor,ts[,kind]")
      .option("--top <n>", "how many of the most anomalous models to plot over time", "5"),
  ).action(action(ReportArgs, runReportCommand));

  return cli.run(argv, {
    defaultLogLevel: "warning",
    version: packageVersion(import.meta.url),
    interruptedMessage: "stopped watching; the run itself is not affected",
  });
}
