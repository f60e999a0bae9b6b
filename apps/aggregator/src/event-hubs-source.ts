import { UsageError, type FleetscoreEnv } from "@fleetscore/cli-support";
import { EventHubsCheckpoints, EventHubsConsumer, type EventHubsConnection } from "@fleetscore/event-hubs";
import { eventLogReadingSource, type ReadingSource } from "@fleetscore/aggregation";

export interface EventHubsSourceArgs {
  readonly consumerGroup?: string | undefined;
  readonly checkpoints?: string | undefined;
  readonly arrivalTime: "auto" | "enqueued";
  readonly namespace?: string | undefined;
}

/**
 * `--from eventhubs:<hub>`: the hub's consumer group through `@fleetscore/event-hubs`, with its checkpoints in
 * Blob (`--checkpoints`; written after each batch's aggregates are committed). The connection comes from
 * `EVENTHUB_CONNECTION_STRING`, or `--namespace <host>` with `DefaultAzureCredential`.
 */
export async function eventHubsReadingSource(hub: string, args: EventHubsSourceArgs, env: FleetscoreEnv): Promise<ReadingSource> {
  if (!args.consumerGroup) throw new UsageError("--consumer-group is required with --from eventhubs:<hub>");
  if (!args.checkpoints) throw new UsageError("--checkpoints <blob container url> is required with --from eventhubs:<hub>");
  const connectionString = env.EVENTHUB_CONNECTION_STRING;
  let connection: EventHubsConnection;
  if (args.namespace) connection = { fullyQualifiedNamespace: args.namespace, eventHubName: hub };
  else if (connectionString) connection = { connectionString, eventHubName: hub };
  else throw new UsageError("--from eventhubs: set EVENTHUB_CONNECTION_STRING (or give --namespace <host> to use DefaultAzureCredential)");
  const storage = env.AZURE_STORAGE_CONNECTION_STRING;
  const checkpoints = await EventHubsCheckpoints.open(args.checkpoints, storage ? { storageConnectionString: storage } : {}).catch((e: unknown) => {
    throw new UsageError(`--checkpoints: ${(e as Error).message}`, { cause: e });
  });
  const consumer = await EventHubsConsumer.create(connection, { consumerGroup: args.consumerGroup, checkpoints, arrivalTime: args.arrivalTime });
  return eventLogReadingSource(consumer, { location: `${consumer.location}/ConsumerGroups/${consumer.consumerGroup}`, close: () => consumer.close() });
}
