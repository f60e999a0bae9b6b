import { Option } from "commander";
import { createCli, packageVersion, type ProcessIo } from "@fleetscore/cli-support";
import { RunArgs } from "./run-args.js";
import { runRunCommand } from "./run-command.js";

/** The simulator's command line. Returns the exit code (0 done, 1 sending failed, 2 usage, 130 interrupted). */
export async function runCli(argv: readonly string[], processIo: ProcessIo): Promise<number> {
  const { program, action, run } = createCli("fleetscore-simulator", "Simulates a fleet of devices sending sensor readings (the reference architecture's data source).", processIo);

  program
    .command("run")
    .description("Generate readings (deterministic for a seed) and send them to the local event log or Event Hubs.")
    .requiredOption("--to <target>", "eventlog:<file> (the local event log, created if missing) | eventhubs:<hub>")
    .option("--devices <n>", "devices (default 3, or those of --profile-from)")
    .option("--sensors <n>", "sensors per device (default 5, or those of --profile-from)")
    .option("--interval <duration>", "one reading per sensor every interval", "5s")
    .option("--jitter <duration>", "each reading lands up to this after its tick (default interval / 5)")
    .option("--start <iso>", "event time of the first reading (default: now, floored to the interval)")
    .option("--duration <duration>", "how much event time to simulate (default 1h unless --count)")
    .option("--count <n>", "how many readings to generate instead")
    .option("--rate <n/s>", "events per second in simulated time (default: as fast as possible)")
    .option("--real-time", "send each reading when its time comes on the wall clock")
    .option("--seed <n>", "same seed and options = the same readings", "1")
    .addOption(new Option("--profile <kind>", "value distribution of every sensor").choices(["normal", "uniform", "bimodal", "drift"]).default("normal"))
    .option("--profile-from <csv>", "fit each device x sensor to a readings CSV (mean, spread), e.g. data/reference/sensor_data.csv")
    .option("--anomaly-rate <p>", "share of readings turned into spikes (labelled)", "0.01")
    .option("--late-rate <p>", "share sent --late-by after their event time", "0")
    .option("--late-by <duration>", "how late a late reading is sent (beyond the aggregator's 5s tolerance)", "60s")
    .option("--out-of-order-rate <p>", "share held back up to 3 s behind later readings", "0")
    .option("--duplicate-rate <p>", "share sent twice", "0")
    .option("--malformed-rate <p>", "share sent broken (the consumer dead-letters them)", "0")
    .option("--labels <file.csv>", "write the injected faults as device,sensor,ts,kind")
    .option("--skip <n>", "resume a failed run: do not resend its first n events (the failure message gives n)", "0")
    .option("--batch-size <n>", "most events per send", "1000")
    .option("--partitions <n>", "partitions of a new local event log (default 4)")
    .option("--connection-string <cs>", "Event Hubs connection string (default: EVENTHUB_CONNECTION_STRING)")
    .option("--namespace <host>", "Event Hubs namespace host, with DefaultAzureCredential (instead of a connection string)")
    .action(action(RunArgs, runRunCommand));

  return run(argv, {
    version: packageVersion(import.meta.url),
    interruptedMessage: "stopped after the batch in flight; the summary above says how many events were sent (resume with --skip)",
  });
}
