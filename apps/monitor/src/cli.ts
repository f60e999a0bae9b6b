import { Command } from "commander";
import type { z } from "zod";
import { packageVersion, parseFlags, runProgram, type ProcessIo } from "@fleetscore/cli-support";
import { ReportArgs, RunsArgs, ShowArgs, WatchArgs } from "./args.js";
import { configFromEnv, type Config } from "./config.js";
import type { MonitorContext } from "./context.js";
import type { AzureDeps } from "./sources/open-sources.js";
import { ExitCode } from "./exit-codes.js";
import { runReportCommand } from "./report-command.js";
import { runRunsCommand, runShowCommand } from "./show-command.js";
import { runWatchCommand } from "./watch-command.js";

const OUT = ["--out <location>", "output location of the runs: a folder or a Blob container URL (http(s)://<account>/<container>[/<prefix>]); default: the --config pipelines' output"] as const;
const CONFIG = ["--config <file>", "the scheduler's (or publisher's) config: adds its run store's runs, shards and logs, and Azure ML job status with an azure section"] as const;
const STALE = ["--stale-after <duration>", "a run without _manifest.json whose files have not changed for this long is abandoned", "15m"] as const;
const LOGS = ["--logs <path...>", "the scorer's JSON-line logs (its stderr saved to files), files or folders of *.log/*.jsonl"] as const;

/** The monitor's command line. Returns the exit code (see exit-codes.ts) so tests run it in-process. */
export async function runCli(argv: readonly string[], io: ProcessIo, azure: AzureDeps = {}): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  let config: Config | undefined;
  const program = new Command("fleetscore-monitor")
    .description("Monitors scoring runs: which model failed and why, live progress, and a visual report.")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  const ctx = (): MonitorContext => ({ ...io, config: config!, azure });
  // commander calls an action with the positional <run-id> (if any), then the options object, then the command.
  const action =
    <S extends z.ZodType>(schema: S, run: (args: z.infer<S>, ctx: MonitorContext) => Promise<number>) =>
    async (...params: unknown[]): Promise<void> => {
      const runId = typeof params[0] === "string" ? params[0] : undefined;
      const opts = params.find((p) => typeof p === "object" && p !== null && !(p instanceof Command)) as Record<string, unknown>;
      exitCode = await run(parseFlags(schema, { ...opts, ...(runId !== undefined && { runId }) }), ctx());
    };

  program
    .command("runs")
    .description("List the newest runs: status, shards done, models ok/failed, rows, anomalies, duration.")
    .option(...OUT)
    .option(...CONFIG)
    .option("--last <n>", "how many runs, newest first", "20")
    .option("--json", "print JSON instead of a table")
    .option(...STALE)
    .action(action(RunsArgs, runRunsCommand));

  program
    .command("show")
    .description("Show one run: status, each shard, and every failed model with its error and where it is logged.")
    .argument("<run-id>")
    .option(...OUT)
    .option(...CONFIG)
    .option("--json", "print JSON instead of text")
    .option(...LOGS)
    .option(...STALE)
    .action(action(ShowArgs, runShowCommand));

  program
    .command("watch")
    .description("Follow a run until it ends: a progress bar on a terminal, JSON lines otherwise.")
    .argument("<run-id>")
    .option(...OUT)
    .option(...CONFIG)
    .option("--interval <duration>", "time between two looks at the run", "2s")
    .option(...LOGS)
    .option(...STALE)
    .action(action(WatchArgs, runWatchCommand));

  program
    .command("report")
    .description("Write one self-contained HTML report of a run (charts inline; it opens with no network).")
    .argument("<run-id>")
    .option(...OUT)
    .option(...CONFIG)
    .requiredOption("--html <file>", "the HTML file to write")
    .option("--labels <csv>", "ground truth for precision and recall: CSV with columns device,sensor,ts[,kind]")
    .option("--top <n>", "how many of the most anomalous models to plot over time", "5")
    .option(...LOGS)
    .option(...STALE)
    .action(action(ReportArgs, runReportCommand));

  return runProgram(program, argv, io, {
    configure: (env) => (config = configFromEnv(env)),
    defaultLogLevel: "warning",
    version: packageVersion(import.meta.url),
    exitCode: () => exitCode,
    interruptedMessage: "stopped watching; the run itself is not affected",
  });
}
