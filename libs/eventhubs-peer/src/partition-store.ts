import type { Message } from "rhea";

/** One event as the peer keeps it: the message as sent, and what the hub stamped on it. */
export interface StoredEvent {
  readonly sequenceNumber: number;
  /** Epoch ms; never decreases across the hub. */
  readonly enqueuedTimeMs: number;
  readonly partitionKey: string | undefined;
  readonly message: Message;
}

/** Where a receiver starts, from its `apache.org:selector-filter:string` filter. */
export interface StartFilter {
  readonly kind: "offset" | "sequenceNumber" | "enqueuedTime";
  readonly inclusive: boolean;
  /** A number, or `"@latest"` (offset only). */
  readonly value: number | "@latest";
}

const FILTER = /^amqp\.annotation\.(x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time)\s*(>=|>)\s*'([^']*)'$/;

/**
 * Parses the selector filter the SDK puts on a receiver link, e.g. `amqp.annotation.x-opt-offset > '-1'`.
 * An absent filter starts at the beginning.
 * @throws Error naming the filter when it is not one of the three forms.
 */
export function parseStartFilter(text: string | undefined): StartFilter {
  if (text === undefined || text.trim() === "") return { kind: "offset", inclusive: false, value: -1 };
  const match = FILTER.exec(text.trim());
  const raw = match?.[3];
  const value = raw === "@latest" ? raw : Number(raw);
  if (!match || (value !== "@latest" && !Number.isInteger(value)) || (value === "@latest" && match[1] !== "x-opt-offset")) {
    throw new Error(`Unsupported event position filter ${JSON.stringify(text)}: expected amqp.annotation.x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time > or >= '<integer>'`);
  }
  const kind = match[1] === "x-opt-offset" ? "offset" : match[1] === "x-opt-sequence-number" ? "sequenceNumber" : "enqueuedTime";
  return { kind, inclusive: match[2] === ">=", value };
}

/**
 * The events of one partition, in memory. An offset is the decimal text of the sequence number: the SDK
 * treats offsets as opaque strings, and this keeps `x-opt-offset` and `x-opt-sequence-number` filters equivalent.
 */
export class PartitionStore {
  readonly events: StoredEvent[] = [];

  constructor(readonly partitionId: string) {}

  append(message: Message, enqueuedTimeMs: number, partitionKey: string | undefined): StoredEvent {
    const event: StoredEvent = { sequenceNumber: this.events.length, enqueuedTimeMs, partitionKey, message };
    this.events.push(event);
    return event;
  }

  /** Index of the first event a receiver with this filter gets. */
  startIndex(filter: StartFilter): number {
    if (filter.value === "@latest") return this.events.length;
    const v = filter.value;
    if (filter.kind === "enqueuedTime") {
      const i = this.events.findIndex((e) => (filter.inclusive ? e.enqueuedTimeMs >= v : e.enqueuedTimeMs > v));
      return i < 0 ? this.events.length : i;
    }
    return Math.max(0, Math.min(this.events.length, filter.inclusive ? v : v + 1));
  }

  get lastSequenceNumber(): number {
    return this.events.length - 1;
  }

  get lastEnqueuedTimeMs(): number {
    return this.events.at(-1)?.enqueuedTimeMs ?? 0;
  }
}
