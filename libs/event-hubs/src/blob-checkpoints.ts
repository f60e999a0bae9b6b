import { BlobCheckpointStore } from "@azure/eventhubs-checkpointstore-blob";
import { DefaultAzureCredential } from "@azure/identity";
import { ContainerClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { EventLogError, type EventPosition } from "@fleetscore/event-transport";
import { logger } from "./log.js";

export interface OpenBlobCheckpointsOptions {
  /** `AZURE_STORAGE_CONNECTION_STRING`: its account key is used when it names the URL's account. */
  readonly storageConnectionString?: string;
}

/**
 * Event Hubs checkpoints in a Blob container, through `@azure/eventhubs-checkpointstore-blob` (the SDK's
 * layout: `<namespace>/<hub>/<consumer group>/checkpoint/<partition>` with sequencenumber and offset metadata),
 * so Azure tooling and other processors see the consumer group's progress.
 */
export class EventHubsCheckpoints {
  private constructor(
    private readonly store: BlobCheckpointStore,
    readonly url: string,
  ) {}

  /**
   * `url`: a container URL (`https://<account>.blob.core.windows.net/<container>`, or Azurite's
   * `http://127.0.0.1:<port>/<account>/<container>`); the container is created when missing. Credentials:
   * the account key of the storage connection string when it names that account, else `DefaultAzureCredential`.
   * @throws EventLogError `InvalidArgument` for a bad URL, `Unavailable` when the container cannot be reached.
   */
  static async open(url: string, options: OpenBlobCheckpointsOptions = {}): Promise<EventHubsCheckpoints> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new EventLogError(`Invalid checkpoints URL ${JSON.stringify(url)}: expected https://<account>.blob.core.windows.net/<container>`, "InvalidArgument");
    }
    const path = parsed.pathname.split("/").filter(Boolean);
    const local = /^(127\.0\.0\.1|localhost)$/.test(parsed.hostname);
    const account = local ? path[0] : parsed.hostname.split(".")[0];
    if (!account || path.length !== (local ? 2 : 1)) throw new EventLogError(`Invalid checkpoints URL ${url}: expected a container URL, e.g. https://<account>.blob.core.windows.net/<container>`, "InvalidArgument");
    const key = accountKey(options.storageConnectionString, account);
    const container = key ? new ContainerClient(url, new StorageSharedKeyCredential(account, key)) : new ContainerClient(url, new DefaultAzureCredential());
    try {
      await container.createIfNotExists();
    } catch (e) {
      throw new EventLogError(`Checkpoints container ${url} is unavailable: ${(e as Error).message}`, "Unavailable", { cause: e });
    }
    return new EventHubsCheckpoints(new BlobCheckpointStore(container), url);
  }

  /** The consumer group's checkpoints as a position (`undefined`: none yet). */
  async read(namespace: string, hub: string, consumerGroup: string): Promise<EventPosition | undefined> {
    try {
      const list = await this.store.listCheckpoints(namespace, hub, consumerGroup);
      if (list.length === 0) return undefined;
      return { sequenceNumbers: Object.fromEntries(list.map((c) => [c.partitionId, c.sequenceNumber])) };
    } catch (e) {
      throw new EventLogError(`Checkpoints container ${this.url} is unavailable while reading: ${(e as Error).message}`, "Unavailable", { cause: e });
    }
  }

  /** Writes one checkpoint per partition of the position (after the batch it ends is processed). */
  async write(namespace: string, hub: string, consumerGroup: string, position: EventPosition, offsets: Readonly<Record<string, string>>): Promise<void> {
    try {
      await Promise.all(
        Object.entries(position.sequenceNumbers).map(([partitionId, sequenceNumber]) =>
          this.store.updateCheckpoint({ fullyQualifiedNamespace: namespace, eventHubName: hub, consumerGroup, partitionId, sequenceNumber, offset: offsets[partitionId] ?? String(sequenceNumber) }),
        ),
      );
      if (logger.enabled("verbose")) logger.verbose("checkpointed", { hub, consumerGroup, position: position.sequenceNumbers });
    } catch (e) {
      throw new EventLogError(`Checkpoints container ${this.url} is unavailable while writing: ${(e as Error).message}`, "Unavailable", { cause: e });
    }
  }
}

function accountKey(connectionString: string | undefined, account: string): string | undefined {
  if (!connectionString) return undefined;
  const fields = Object.fromEntries(connectionString.split(";").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
  return fields["AccountName"] === account ? fields["AccountKey"] : undefined;
}
