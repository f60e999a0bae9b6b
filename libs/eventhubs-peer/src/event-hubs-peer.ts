import type { AddressInfo } from "node:net";
import { partitionIdForKey } from "@fleetscore/event-transport";
import rhea, { type Connection, type Container, type EventContext, type Message, type Receiver, type Sender } from "rhea";
import { logger } from "./log.js";
import { PartitionStore, parseStartFilter, type StoredEvent } from "./partition-store.js";

/** The message format of an Event Hubs batch: the body's data sections are each one encoded message. */
const BATCH_FORMAT = 0x80013700;
const ONE_MIB = 1024 * 1024;
const ANNOTATION_PARTITION_KEY = "x-opt-partition-key";

export interface StartEventHubsPeerOptions {
  /** TCP port; default 0 (a free one: read `peer.port`). */
  readonly port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  readonly host?: string;
  /** Default `readings`. */
  readonly hubName?: string;
  /** 1 to 1024; default 4. */
  readonly partitionCount?: number;
  /** Consumer groups besides `$default`; default: any name is accepted (a real hub needs them created first). */
  readonly consumerGroups?: readonly string[];
  /** Largest message (batch) accepted, bytes; default 1 MiB as the Standard tier. */
  readonly maxMessageSizeInBytes?: number;
  /** Source of enqueued times, epoch ms; default `Date.now`. */
  readonly clock?: () => number;
}

/** A receiver link the peer streams a partition's events to. */
interface Stream {
  readonly sender: Sender;
  readonly partition: PartitionStore;
  readonly consumerGroup: string;
  readonly ownerLevel: number | undefined;
  next: number;
}

/**
 * A local Event Hubs namespace with one event hub: an AMQP 1.0 peer on rhea that speaks the subset of the
 * protocol the @azure/event-hubs SDK uses (see README). Events are kept in memory while it runs.
 *
 * ```ts
 * const peer = await EventHubsPeer.start({ partitionCount: 4, hubName: "readings" });
 * const producer = new EventHubProducerClient(peer.connectionString, "readings");
 * ```
 */
export class EventHubsPeer {
  readonly hubName: string;
  readonly partitionIds: readonly string[];
  readonly createdOn = new Date();
  private readonly partitions: PartitionStore[];
  private readonly streams = new Set<Stream>();
  private readonly connections = new Set<Connection>();
  private lastEnqueuedTimeMs = 0;
  private stopped = false;

  private constructor(
    private readonly container: Container,
    private readonly listener: ReturnType<Container["listen"]>,
    private readonly options: StartEventHubsPeerOptions,
  ) {
    this.hubName = options.hubName ?? "readings";
    const count = options.partitionCount ?? 4;
    this.partitionIds = Array.from({ length: count }, (_, i) => String(i));
    this.partitions = this.partitionIds.map((id) => new PartitionStore(id));
  }

  /**
   * Listens and serves until `stop()`.
   * @throws RangeError for a bad partition count, hub name or port; the listen error (e.g. EADDRINUSE).
   */
  static async start(options: StartEventHubsPeerOptions = {}): Promise<EventHubsPeer> {
    const count = options.partitionCount ?? 4;
    if (!Number.isInteger(count) || count < 1 || count > 1024) throw new RangeError(`Invalid partition count ${count}: expected an integer from 1 to 1024`);
    const hub = options.hubName ?? "readings";
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/.test(hub)) throw new RangeError(`Invalid event hub name ${JSON.stringify(hub)}: letters, digits, ".", "_", "-"`);
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`Invalid port ${port}: expected 0 to 65535`);
    const container = rhea.create_container({ id: `fleetscore-eventhubs-peer-${hub}` });
    // SASL: ANONYMOUS and PLAIN (any user), and MSSBCBS (what the SDK offers with a SAS key) as EXTERNAL;
    // authorisation is the $cbs put-token, which the peer accepts without checking the signature.
    container.sasl_server_mechanisms.enable_anonymous();
    container.sasl_server_mechanisms.enable_plain(() => true);
    container.sasl.server_add_external(container.sasl_server_mechanisms);
    const mechanisms = container.sasl_server_mechanisms as unknown as Record<string, unknown>;
    mechanisms["MSSBCBS"] = mechanisms["EXTERNAL"];
    const maxMessageSize = options.maxMessageSizeInBytes ?? ONE_MIB;
    const listener = container.listen({
      port,
      host: options.host ?? "127.0.0.1",
      receiver_options: { max_message_size: maxMessageSize, autoaccept: false, autosettle: true },
      sender_options: { max_message_size: maxMessageSize, autosettle: true },
    } as unknown as Parameters<Container["listen"]>[0]);
    const peer = new EventHubsPeer(container, listener, options);
    peer.wire();
    await new Promise<void>((resolve, reject) => {
      listener.once("error", reject);
      listener.once("listening", () => {
        listener.off("error", reject);
        resolve();
      });
    });
    logger.info("event hubs peer listening", { port: peer.port, hub, partitions: count });
    return peer;
  }

  get port(): number {
    return (this.listener.address() as AddressInfo).port;
  }

  /** What the SDK connects with: plain TCP (`UseDevelopmentEmulator=true`); the key is not checked. */
  get connectionString(): string {
    const host = this.options.host ?? "127.0.0.1";
    return `Endpoint=sb://${host}:${this.port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=fleetscore-local-peer;UseDevelopmentEmulator=true`;
  }

  /** Events held per partition (for tests and the tool's summary). */
  eventCounts(): Record<string, number> {
    return Object.fromEntries(this.partitions.map((p) => [p.partitionId, p.events.length]));
  }

  /** Every event of a partition, oldest first. */
  eventsOf(partitionId: string): readonly StoredEvent[] {
    return this.partitionOf(partitionId)?.events ?? [];
  }

  /** Stops listening and drops every connection (clients see the service go away). Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.streams.clear();
    const closed = new Promise<void>((resolve) => this.listener.close(() => resolve()));
    for (const c of this.connections) {
      // Drop the socket rather than close politely: this is the service going away.
      (c as unknown as { socket?: { destroy(): void } }).socket?.destroy();
    }
    this.connections.clear();
    await closed;
    logger.info("event hubs peer stopped", { hub: this.hubName });
  }

  private partitionOf(id: string | undefined): PartitionStore | undefined {
    return id !== undefined && /^(0|[1-9]\d*)$/.test(id) ? this.partitions[Number(id)] : undefined;
  }

  private wire(): void {
    const c = this.container;
    c.on("connection_open", (ctx: EventContext) => this.connections.add(ctx.connection));
    const forget = (ctx: EventContext): void => {
      this.connections.delete(ctx.connection);
      for (const s of this.streams) if (s.sender.connection === ctx.connection) this.streams.delete(s);
    };
    c.on("connection_close", forget);
    c.on("disconnected", forget);
    // A client going away mid-frame is normal for a server: not worth more than a verbose line.
    c.on("error", (e: unknown) => logger.verbose("connection error", { error: String(e) }));
    c.on("receiver_open", (ctx: EventContext) => this.onClientSender(ctx.receiver!));
    c.on("sender_open", (ctx: EventContext) => this.onClientReceiver(ctx.sender!));
    c.on("sender_close", (ctx: EventContext) => this.dropStream(ctx.sender!));
    c.on("sendable", (ctx: EventContext) => {
      for (const s of this.streams) if (s.sender === ctx.sender) this.pump(s);
    });
    c.on("message", (ctx: EventContext) => this.onMessage(ctx));
  }

  /** The client opened a sender: to `<hub>`, `<hub>/Partitions/<n>`, `$cbs` or `$management`. */
  private onClientSender(receiver: Receiver): void {
    const address = receiver.target?.address ?? "";
    receiver.set_source(receiver.source);
    receiver.set_target(receiver.target);
    if (address === "$cbs" || address === "$management" || address === this.hubName) return;
    const m = /^([^/]+)\/Partitions\/([^/]+)$/.exec(address);
    if (m?.[1] !== this.hubName) {
      receiver.close({ condition: "amqp:not-found", description: `The messaging entity '${address}' could not be found on this peer (its hub is '${this.hubName}').` });
    } else if (!this.partitionOf(m[2])) {
      receiver.close({ condition: "com.microsoft:argument-out-of-range", description: `The specified partition '${m[2]}' is invalid: this hub has partitions 0 to ${this.partitions.length - 1}.` });
    }
  }

  /** The client opened a receiver: on `<hub>/ConsumerGroups/<g>/Partitions/<n>`, or a reply link of `$cbs`/`$management`. */
  private onClientReceiver(sender: Sender): void {
    const address = sender.source?.address ?? "";
    sender.set_source(sender.source);
    sender.set_target(sender.target);
    if (address === "$cbs" || address === "$management") return;
    const m = /^([^/]+)\/ConsumerGroups\/([^/]+)\/Partitions\/([^/]+)$/.exec(address);
    const partition = this.partitionOf(m?.[3]);
    if (!m || m[1] !== this.hubName) {
      sender.close({ condition: "amqp:not-found", description: `The messaging entity '${address}' could not be found on this peer (its hub is '${this.hubName}').` });
      return;
    }
    const group = m[2]!;
    if (this.options.consumerGroups && group !== "$default" && !this.options.consumerGroups.includes(group)) {
      sender.close({ condition: "amqp:not-found", description: `The consumer group '${group}' of '${this.hubName}' could not be found.` });
      return;
    }
    if (!partition) {
      sender.close({ condition: "com.microsoft:argument-out-of-range", description: `The specified partition '${m[3]}' is invalid: this hub has partitions 0 to ${this.partitions.length - 1}.` });
      return;
    }
    const filters = (sender.source as { filter?: Record<string, { value?: unknown } | undefined> } | undefined)?.filter;
    const filterText = filters?.["apache.org:selector-filter:string"]?.value;
    let next: number;
    try {
      next = partition.startIndex(parseStartFilter(typeof filterText === "string" ? filterText : undefined));
    } catch (e) {
      sender.close({ condition: "amqp:invalid-field", description: (e as Error).message });
      return;
    }
    const epoch = (sender.properties as Record<string, unknown> | undefined)?.["com.microsoft:epoch"];
    const ownerLevel = typeof epoch === "number" ? epoch : undefined;
    if (!this.takeOwnership(group, partition, ownerLevel, sender)) return;
    const stream: Stream = { sender, partition, consumerGroup: group, ownerLevel, next };
    this.streams.add(stream);
    this.pump(stream);
  }

  /**
   * Event Hubs' owner level (epoch): a receiver with a higher or equal level takes the partition from the
   * others of its consumer group (they are closed with `amqp:link:stolen`); a lower or absent one is refused.
   */
  private takeOwnership(group: string, partition: PartitionStore, ownerLevel: number | undefined, sender: Sender): boolean {
    const rivals = [...this.streams].filter((s) => s.consumerGroup === group && s.partition === partition);
    const top = Math.max(-1, ...rivals.map((s) => s.ownerLevel ?? -1));
    if ((ownerLevel === undefined && top >= 0) || (ownerLevel !== undefined && ownerLevel < top)) {
      sender.close({ condition: "amqp:link:stolen", description: `A receiver with owner level ${top} already reads partition ${partition.partitionId} of consumer group '${group}'.` });
      return false;
    }
    if (ownerLevel !== undefined) {
      for (const r of rivals) {
        this.streams.delete(r);
        r.sender.close({ condition: "amqp:link:stolen", description: `A receiver with owner level ${ownerLevel} took partition ${partition.partitionId} of consumer group '${group}'.` });
      }
    }
    return true;
  }

  private dropStream(sender: Sender): void {
    for (const s of this.streams) if (s.sender === sender) this.streams.delete(s);
  }

  /** Sends a stream's pending events while the client gives credit. */
  private pump(stream: Stream): void {
    const { sender, partition } = stream;
    while (stream.next < partition.events.length && sender.sendable() && this.streams.has(stream)) {
      const e = partition.events[stream.next++]!;
      const annotations: Record<string, unknown> = {
        ...e.message.message_annotations,
        "x-opt-sequence-number": rhea.types.wrap_long(e.sequenceNumber),
        "x-opt-offset": String(e.sequenceNumber),
        "x-opt-enqueued-time": new Date(e.enqueuedTimeMs),
      };
      if (e.partitionKey !== undefined) annotations[ANNOTATION_PARTITION_KEY] = e.partitionKey;
      sender.send({ ...e.message, message_annotations: annotations });
    }
  }

  private onMessage(ctx: EventContext): void {
    const receiver = ctx.receiver!;
    const address = receiver.target?.address ?? "";
    const message = ctx.message!;
    if (address === "$cbs") return this.reply(ctx, message, this.onCbs(message));
    if (address === "$management") return this.reply(ctx, message, this.onManagement(message));
    const partitionMatch = /^[^/]+\/Partitions\/([^/]+)$/.exec(address);
    this.onEvents(ctx, message, partitionMatch?.[1]);
  }

  /** `put-token`: always accepted (202); the local peer does not check signatures. */
  private onCbs(request: Message): Message {
    const op = request.application_properties?.["operation"];
    if (op !== "put-token") return status(400, `Unsupported $cbs operation ${JSON.stringify(op)}: only put-token`, "amqp:not-implemented");
    return status(202, "Accepted");
  }

  /** `READ` of `com.microsoft:eventhub` (hub properties) and `com.microsoft:partition` (partition properties). */
  private onManagement(request: Message): Message {
    const props = request.application_properties ?? {};
    if (props["operation"] !== "READ") return status(400, `Unsupported $management operation ${JSON.stringify(props["operation"])}: only READ`, "amqp:not-implemented");
    if (props["name"] !== this.hubName) return status(404, `The messaging entity '${String(props["name"])}' could not be found (this peer serves '${this.hubName}').`, "amqp:not-found");
    if (props["type"] === "com.microsoft:eventhub") {
      return this.readResult("com.microsoft:eventhub", {
        created_at: this.createdOn,
        partition_count: rhea.types.wrap_int(this.partitions.length),
        partition_ids: rhea.types.wrap_array([...this.partitionIds], 0xa1, undefined),
      });
    }
    if (props["type"] === "com.microsoft:partition") {
      const p = this.partitionOf(typeof props["partition"] === "string" ? props["partition"] : undefined);
      if (!p) return status(400, `The specified partition ${JSON.stringify(props["partition"])} is invalid: this hub has partitions 0 to ${this.partitions.length - 1}.`, "com.microsoft:argument-out-of-range");
      return this.readResult("com.microsoft:partition", {
        partition: p.partitionId,
        begin_sequence_number: rhea.types.wrap_long(0),
        last_enqueued_sequence_number: rhea.types.wrap_long(p.lastSequenceNumber),
        last_enqueued_offset: String(p.lastSequenceNumber),
        last_enqueued_time_utc: new Date(p.lastEnqueuedTimeMs),
        is_partition_empty: p.events.length === 0,
      });
    }
    return status(400, `Unsupported $management type ${JSON.stringify(props["type"])}: com.microsoft:eventhub or com.microsoft:partition`, "amqp:not-implemented");
  }

  /** The answer to a `READ` of `type`: 200 with the hub's name, the type and the properties given. */
  private readResult(type: string, properties: Record<string, unknown>): Message {
    return { ...status(200, "OK"), body: { name: this.hubName, type, ...properties } };
  }

  /** A request's answer goes to the client's reply link (the one whose target is `reply_to`). */
  private reply(ctx: EventContext, request: Message, response: Message): void {
    ctx.delivery?.accept();
    const to = request.reply_to;
    const link = ctx.connection.find_sender((s: Sender) => s.target?.address === to || s.name === to);
    if (!link) {
      logger.warning("no reply link for a request", { replyTo: to });
      return;
    }
    link.send({ ...response, to, correlation_id: request.message_id });
  }

  /** Events sent to the hub (partitioned by key, else round robin) or to one partition; a batch is stored whole. */
  private onEvents(ctx: EventContext, message: Message, partitionId: string | undefined): void {
    const delivery = ctx.delivery!;
    // rhea hands over a message of a non-zero format undecoded: a batch arrives as its encoded bytes.
    const outer = Buffer.isBuffer(message) ? (rhea.message.decode(message) as unknown as Message) : message;
    const inner = (delivery as unknown as { format?: number }).format === BATCH_FORMAT ? unbatch(outer) : [outer];
    const key = (inner[0]?.message_annotations?.[ANNOTATION_PARTITION_KEY] ?? outer.message_annotations?.[ANNOTATION_PARTITION_KEY]) as string | undefined;
    const partition =
      partitionId !== undefined
        ? this.partitionOf(partitionId)!
        : this.partitions[Number(partitionIdForKey(key ?? String(this.roundRobin++), this.partitions.length))]!;
    // Enqueued times never decrease across the hub, even if the clock steps back.
    const now = Math.max(this.lastEnqueuedTimeMs, Math.floor((this.options.clock ?? Date.now)()));
    this.lastEnqueuedTimeMs = now;
    for (const m of inner) partition.append(m, now, key);
    delivery.accept();
    for (const s of this.streams) if (s.partition === partition) this.pump(s);
    if (logger.enabled("verbose")) logger.verbose("stored events", { partition: partition.partitionId, count: inner.length });
  }

  private roundRobin = 0;
}

/** The messages inside a batch: each data section of the body is one encoded AMQP message. */
function unbatch(batch: Message): Message[] {
  const body = batch.body as { content?: Buffer | Buffer[]; multiple?: boolean } | undefined;
  const sections = body?.content === undefined ? [] : Array.isArray(body.content) ? body.content : [body.content];
  return sections.map((b) => rhea.message.decode(b) as unknown as Message);
}

function status(code: number, description: string, condition?: string): Message {
  return {
    body: undefined,
    application_properties: {
      "status-code": rhea.types.wrap_int(code),
      "status-description": description,
      ...(condition && { "error-condition": condition }),
    },
  };
}
