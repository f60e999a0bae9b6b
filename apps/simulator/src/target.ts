import { UsageError } from "@fleetscore/cli-support";
import { LocalEventLog, isEventLogError, type EventLogProducer } from "@fleetscore/event-transport";
import type { SimulationClock } from "@fleetscore/ingestion-simulator";
import type { RunArgs } from "./run-args.js";

export interface OpenedTarget {
  readonly producer: EventLogProducer;
  readonly location: string;
  close(): Promise<void>;
}

/**
 * `--to`: the local event log (its enqueued-time clock is the simulation's in simulated time, so the
 * aggregator sees the fleet's own event-to-arrival gaps).
 */
export async function openTarget(args: RunArgs, clock: SimulationClock | undefined, _env: NodeJS.ProcessEnv): Promise<OpenedTarget> {
  const { kind, name } = args.to;
  if (kind === "eventhubs") throw new UsageError("--to eventhubs:<hub> is not available in this build");
  try {
    const log = await LocalEventLog.open(name, { ...(clock && { clock: clock.read }), ...(args.partitions !== undefined && { partitionCount: args.partitions }) });
    return { producer: log, location: `eventlog:${log.location}`, close: () => log.close() };
  } catch (e) {
    if (isEventLogError(e) && (e.code === "Unavailable" || e.code === "InvalidArgument" || e.code === "SchemaTooNew")) throw new UsageError(`--to: ${e.message}`, { cause: e });
    throw e;
  }
}
