import { formatError, type CommandIo } from "@fleetscore/cli-support";
import { isAbortError } from "@fleetscore/contracts";
import { LabelsCsvWriter, SimulationClock, generateReadings, isSimulationError, runSimulation, type SimulationProgress, type SimulationSummary } from "@fleetscore/ingestion-simulator";
import { fleetOptions } from "./fleet.js";
import { createProgressReporter } from "./progress.js";
import type { RunArgs } from "./run-args.js";
import { openTarget } from "./target.js";

/** Runs `run`; returns the exit code (1: the transport failed, the message says how to resume). */
export async function runRunCommand(args: RunArgs, io: CommandIo): Promise<number> {
  const fleet = await fleetOptions(args, Date.now());
  const clock = args.realTime ? undefined : new SimulationClock();
  const target = await openTarget(args, clock, io.env);
  const slots = fleet.count ?? Math.ceil((fleet.durationInMs ?? 0) / args.interval) * fleet.devices * fleet.sensors;
  const progress = createProgressReporter(io.stderr, Math.max(0, slots - args.skip), { to: target.location });
  const labels = args.labels === undefined ? undefined : new LabelsCsvWriter(args.labels);
  let last: SimulationProgress | undefined;
  let summary: SimulationSummary;
  try {
    summary = await runSimulation(generateReadings(fleet), target.producer, {
      time: args.realTime ? "real" : "simulated",
      ...(args.rate !== undefined && { ratePerSecond: args.rate }),
      ...(clock && { clock }),
      maxBatchSize: args.batchSize,
      skip: args.skip,
      abortSignal: io.abortSignal,
      onProgress: (p) => {
        last = p;
        progress.onProgress(p);
      },
      ...(labels && { onLabels: (l) => labels.write(l) }),
    });
  } catch (e) {
    progress.stop();
    await labels?.discard();
    await target.close();
    if (isSimulationError(e) && e.code === "SendFailed") {
      io.stderr.write(formatError(e.message));
      if (last) io.stdout.write(report(target.location, fleet, { ...last, skipped: args.skip, seconds: 0 }, undefined));
      return 1;
    }
    if (isAbortError(e) && last) io.stdout.write(report(target.location, fleet, { ...last, skipped: args.skip, seconds: 0 }, undefined));
    throw e;
  }
  progress.stop();
  await labels?.commit();
  await target.close();
  io.stdout.write(report(target.location, fleet, summary, labels));
  return 0;
}

function report(location: string, fleet: Awaited<ReturnType<typeof fleetOptions>>, s: SimulationSummary, labels: LabelsCsvWriter | undefined): string {
  const f = s.faults;
  const partitions = Object.entries(s.perPartition).sort(([a], [b]) => Number(a) - Number(b)).map(([p, n]) => `${p}=${n}`).join(", ");
  const speed = s.seconds > 0 ? ` (${Math.round(s.sent / s.seconds)}/s) in ${s.seconds.toFixed(2)} s` : " before it stopped";
  return [
    `simulated ${fleet.devices} devices x ${fleet.sensors} sensors (seed ${fleet.seed}) to ${location}`,
    `  sent ${s.sent}${speed}${s.skipped ? `, skipped ${s.skipped}` : ""}, dead-lettered ${s.deadLettered}; per partition: ${partitions || "-"}`,
    `  faults injected: anomaly ${f.anomaly}, late ${f.late}, out of order ${f.outOfOrder}, duplicate ${f.duplicate}, malformed ${f.malformed}${labels ? `; labels: ${labels.path} (${labels.count} rows)` : ""}`,
    "",
  ].join("\n");
}
