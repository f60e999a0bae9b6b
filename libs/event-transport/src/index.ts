export { LocalEventLog } from "./local-event-log.js";
export type { OpenLocalEventLogOptions, DeadLetter, ReadDeadLettersOptions } from "./local-event-log.js";
export type {
  EventLog,
  EventLogProducer,
  EventLogConsumer,
  ReceivedEvent,
  ReceivedEventBatch,
  InvalidEvent,
  ReadEventsOptions,
  AppendOptions,
  AppendResult,
  AppendedEvent,
  EventLogProperties,
  PartitionProperties,
} from "./event-log.js";
export { EventLogError, isEventLogError, isAbortError } from "./event-log-error.js";
export type { EventLogErrorCode, InvalidReading } from "./event-log-error.js";
export { EARLIEST_EVENT_POSITION, formatEventPosition, parseEventPosition, validateEventPosition } from "./event-position.js";
export type { EventPosition } from "./event-position.js";
export { hashPartitionKey, partitionIdForKey, MAX_PARTITION_COUNT } from "./partition-key.js";
export { SCHEMA_VERSION } from "./schema.js";
