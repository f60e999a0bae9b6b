import { UsageError, type FleetscoreEnv } from "@fleetscore/cli-support";
import { EventHubsProducer } from "@fleetscore/event-hubs";
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
 * aggregator sees the fleet's own event-to-arrival gaps), or Event Hubs (which stamps its own enqueued time:
 * in simulated time each event carries its simulated arrival time as a property instead).
 */
export async function openTarget(args: RunArgs, clock: SimulationClock | undefined, env: FleetscoreEnv): Promise<OpenedTarget> {
  const { kind, name } = args.to;
  if (kind === "eventhubs") return openEventHubs(name, args, clock, env);
  try {
    const log = await LocalEventLog.open(name, { ...(clock && { clock: clock.read }), ...(args.partitions !== undefined && { partitionCount: args.partitions }) });
    return { producer: log, location: `eventlog:${log.location}`, close: () => log.close() };
  } catch (e) {
    if (isEventLogError(e) && (e.code === "Unavailable" || e.code === "InvalidArgument" || e.code === "SchemaTooNew")) throw new UsageError(`--to: ${e.message}`, { cause: e });
    throw e;
  }
}

async function openEventHubs(hub: string, args: RunArgs, clock: SimulationClock | undefined, env: FleetscoreEnv): Promise<OpenedTarget> {
  const connectionString = args.connectionString ?? env.EVENTHUB_CONNECTION_STRING;
  if (!args.namespace && !connectionString) {
    throw new UsageError("--to eventhubs: set EVENTHUB_CONNECTION_STRING (or --connection-string), or give --namespace <host> to use DefaultAzureCredential");
  }
  const connection = args.namespace ? { fullyQualifiedNamespace: args.namespace, eventHubName: hub } : { connectionString: connectionString!, eventHubName: hub };
  try {
    const producer = await EventHubsProducer.create(connection, {
      ...(clock && { arrivalTime: clock.read }),
      // Fail within about a minute when the hub stays away, rather than the SDK's default of several.
      retryOptions: { maxRetries: 3, retryDelayInMs: 1000, timeoutInMs: 20_000 },
    });
    return { producer, location: producer.location, close: () => producer.close() };
  } catch (e) {
    if (isEventLogError(e)) throw new UsageError(`--to: ${e.message}`, { cause: e });
    throw e;
  }
}
