import { EventLogError } from "./event-log-error.js";
import { MAX_PARTITION_COUNT } from "./partition-key.js";

/**
 * Where a consumer stands in an event log: for each partition, the sequence number of the last event it has
 * consumed. A partition that is absent has had nothing consumed; `{ sequenceNumbers: {} }` (or `undefined`
 * where a position is optional) is the very beginning. Reading from a position yields exactly the events
 * after it, so a consumer checkpoints the `position` of each batch it has finished and resumes from it.
 */
export interface EventPosition {
  /** Partition id (`"0"`, `"1"`, ...) -> sequence number of the last event consumed in that partition. */
  readonly sequenceNumbers: Readonly<Record<string, number>>;
}

/** The beginning of every log: nothing consumed. */
export const EARLIEST_EVENT_POSITION: EventPosition = Object.freeze({ sequenceNumbers: Object.freeze({}) });

const PREFIX = "v1:";
const FORMAT_HINT = `expected "${PREFIX}" then comma-separated <partition id>=<last sequence number> pairs, e.g. "${PREFIX}0=41,1=17"`;
const PARTITION_ID = /^(0|[1-9][0-9]{0,3})$/;
const SEQUENCE_NUMBER = /^(0|[1-9][0-9]{0,15})$/;
/** Enough for 1024 partitions with 16-digit sequence numbers; anything longer is not a position. */
const MAX_TEXT_LENGTH = 32_768;

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

/**
 * Checks a position built in code (or parsed): partition ids are `"0"` .. `"1023"` in canonical form and
 * sequence numbers are safe integers >= 0. Returns it unchanged.
 * @throws EventLogError `InvalidPosition` naming the offending entry.
 */
export function validateEventPosition(position: EventPosition): EventPosition {
  if (typeof position !== "object" || position === null || typeof position.sequenceNumbers !== "object" || position.sequenceNumbers === null) {
    throw new EventLogError(`Invalid event position ${String(position)}: expected { sequenceNumbers: { <partition id>: <sequence number> } }`, "InvalidPosition");
  }
  for (const [id, seq] of Object.entries(position.sequenceNumbers)) {
    if (!PARTITION_ID.test(id) || Number(id) >= MAX_PARTITION_COUNT) {
      throw new EventLogError(`Invalid event position: partition id ${quote(id)} is not an integer from 0 to ${MAX_PARTITION_COUNT - 1}`, "InvalidPosition");
    }
    if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) {
      throw new EventLogError(`Invalid event position: sequence number of partition ${id} is ${String(seq)}, not an integer >= 0`, "InvalidPosition");
    }
  }
  return position;
}

/**
 * Turns a position into its checkpoint text: `v1:` then `<partition id>=<last sequence number>` pairs
 * in ascending partition order, separated by commas (`"v1:0=41,1=17,3=99"`; `"v1:"` is the beginning).
 * The same position always gives the same text.
 * @throws EventLogError `InvalidPosition` when the position is malformed.
 */
export function formatEventPosition(position: EventPosition): string {
  validateEventPosition(position);
  const pairs = Object.entries(position.sequenceNumbers).sort(([a], [b]) => Number(a) - Number(b));
  return PREFIX + pairs.map(([id, seq]) => `${id}=${seq}`).join(",");
}

/**
 * Parses the text of `formatEventPosition` back into a position.
 * @throws EventLogError `InvalidPosition` saying what is wrong and what is expected.
 */
export function parseEventPosition(text: string): EventPosition {
  if (typeof text !== "string") {
    throw new EventLogError(`Invalid event position: got ${typeof text}, ${FORMAT_HINT}`, "InvalidPosition");
  }
  if (text.length > MAX_TEXT_LENGTH) {
    throw new EventLogError(`Invalid event position ${quote(text)}: ${text.length} characters is too long to be one`, "InvalidPosition");
  }
  if (!text.startsWith(PREFIX)) {
    throw new EventLogError(`Invalid event position ${quote(text)}: ${FORMAT_HINT}`, "InvalidPosition");
  }
  const body = text.slice(PREFIX.length);
  const sequenceNumbers: Record<string, number> = {};
  if (body.length > 0) {
    for (const pair of body.split(",")) {
      const eq = pair.indexOf("=");
      const id = eq < 0 ? pair : pair.slice(0, eq);
      const seq = eq < 0 ? "" : pair.slice(eq + 1);
      if (eq < 0 || !PARTITION_ID.test(id) || !SEQUENCE_NUMBER.test(seq)) {
        throw new EventLogError(`Invalid event position ${quote(text)}: bad pair ${quote(pair)}; ${FORMAT_HINT}`, "InvalidPosition");
      }
      if (Object.hasOwn(sequenceNumbers, id)) {
        throw new EventLogError(`Invalid event position ${quote(text)}: partition ${id} appears twice`, "InvalidPosition");
      }
      sequenceNumbers[id] = Number(seq);
    }
  }
  return validateEventPosition({ sequenceNumbers });
}
