import { Command, Option } from "commander";
import { RunArgs, runRunCommand } from "./run-command.js";
import { StreamAnalyticsArgs, runStreamAnalyticsCommand } from "./stream-analytics-command.js";
import { createCli, packageVersion, type ProcessIo } from "@fleetscore/cli-support";

/** Flags shared by `run` and `stream-analytics`: the windowing is configured once for both. */
function windowingOptions(command: Command): Command {
  return command
    .option("--window <duration>", "tumbling window size (e.g. 5s, 1m)", "5s")
    .option("--late-arrival <duration>", "late-arrival tolerance: arrival time - event time (Stream Analytics' default 5s)", "5s")
    .option("--out-of-order <duration>", "out-of-order tolerance (Stream Analytics' default 0s)", "0s")
    .addOption(new Option("--on-late <action>", "what happens to events beyond a tolerance: adjust their timestamp or drop them").choices(["adjust", "drop"]).default("adjust"));
}

/**
 * The aggregator's command line. Returns the exit code instead of exiting so tests can run it in-process.
 * Logs go to stderr as JSON lines; the human summary goes to stdout.
 */
export async function runCli(argv: readonly string[], processIo: ProcessIo): Promise<number> {
  const { program, action, run } = createCli("fleetscore-aggregator", "Aggregates sensor readings in tumbling windows (the Stream Analytics role) into SQL.", processIo);

  windowingOptions(
    program
      .command("run")
      .description("Aggregate a source into SQL, continuing from the checkpoint saved in that database.")
      .requiredOption("--from <source>", "readings CSV TS,Device,Sensor,Value (plain or .gz; replayed), the simulator's local event log (a SQLite file, or eventlog:<file>), or eventhubs:<hub>")
      .requiredOption("--to <sql-url>", "sqlite:<file> | postgres://user@host:port/db | mssql://user@host:port/db (password: FLEETSCORE_SQL_PASSWORD or in the URL)"),
  )
    .option("--follow", "keep reading new readings until SIGINT/SIGTERM")
    .option("--checkpoint <name>", "checkpoint name (default: aggregator:<source>)")
    .option("--close-windows", "close the open windows at the end even for a log (a CSV replay always does)")
    .option("--no-close-windows", "keep the open windows of a CSV replay in the checkpoint (more lines may be appended)")
    .option("--consumer-group <g>", "with --from eventhubs:<hub>: the consumer group (EVENTHUB_CONNECTION_STRING names the namespace)")
    .option("--checkpoints <blob url>", "with --from eventhubs:<hub>: the Blob container of the consumer group's checkpoints")
    .addOption(new Option("--arrival-time <source>", "with --from eventhubs:<hub>: arrival = the simulator's simulated arrival when present (auto) or the hub's enqueued time").choices(["auto", "enqueued"]).default("auto"))
    .option("--namespace <host>", "with --from eventhubs:<hub>: the namespace host, with DefaultAzureCredential")
    .action(action(RunArgs, runRunCommand));

  windowingOptions(
    program
      .command("stream-analytics")
      .description("Write the Stream Analytics query and job settings computing the same windows (for a deployment on Azure).")
      .requiredOption("--out <dir>", "folder for query.asaql and job-settings.json (e.g. infra/stream-analytics)"),
  ).action(action(StreamAnalyticsArgs, runStreamAnalyticsCommand));

  return run(argv, { version: packageVersion(import.meta.url), interruptedMessage: "stopped after saving the last batch read" });
}
