import { existsSync } from "node:fs";
import { resolve } from "node:path";
import Database from "better-sqlite3";
import { Reading, valueAt, type OperationOptions } from "@fleetscore/contracts";
import type {
  AppendOptions,
  AppendResult,
  AppendedEvent,
  EventLog,
  EventLogProperties,
  PartitionProperties,
  ReadEventsOptions,
  ReceivedEvent,
  ReceivedEventBatch,
} from "./event-log.js";
import { EventLogError, abortError, isAbortError, isEventLogError, throwIfAborted, type InvalidReading } from "./event-log-error.js";
import { validateEventPosition, type EventPosition } from "./event-position.js";
import { logger } from "./log.js";
import { MAX_PARTITION_COUNT, partitionIndexForKey } from "./partition-key.js";
import { MIGRATIONS, SCHEMA_TABLE, SCHEMA_VERSION } from "./schema.js";

export interface OpenLocalEventLogOptions extends OperationOptions {
  /** Partitions of a new log, 1 to 1024; default 4. An existing log keeps its count: a different value here is `InvalidArgument`. */
  readonly partitionCount?: number;
  /** Create the file when missing; default true (producer and consumer may start in either order). */
  readonly createIfNotExists?: boolean;
  /** Source of enqueued times, epoch ms; default `Date.now`. Tests pass a fake clock. */
  readonly clock?: () => number;
  /** How long to wait for another process's write lock before failing with `Unavailable`; default 5000 ms. */
  readonly busyTimeoutInMs?: number;
  /**
   * SQLite `synchronous` setting. `"normal"` (default): a committed append survives the process crashing,
   * the last appends may be lost if the machine loses power. `"full"`: fsync on every commit (slower).
   */
  readonly synchronous?: "normal" | "full";
}

/** A reading set aside by `append(..., { onInvalid: "deadLetter" })`. */
export interface DeadLetter {
  /** 1, 2, 3, ... in the order they were set aside. */
  readonly id: number;
  readonly enqueuedTimeMs: number;
  /** What is wrong with it (the `InvalidReading` message). */
  readonly reason: string;
  /** What was given (parsed back from JSON; `undefined` and functions do not survive). */
  readonly body: unknown;
}

export interface ReadDeadLettersOptions extends OperationOptions {}

const DEFAULT_PARTITION_COUNT = 4;
const DEFAULT_MAX_BATCH_SIZE = 1000;
const MAX_MAX_BATCH_SIZE = 100_000;
const DEFAULT_POLL_INTERVAL_MS = 100;
const DEFAULT_BUSY_TIMEOUT_MS = 5000;
/** Device -> partition index memo; cleared when it gets this big (fleets are thousands of devices). */
const PARTITION_MEMO_LIMIT = 100_000;

/** One row of a partition range read, in SELECT order (raw mode: arrays are cheaper than objects). */
type EventRow = [sequenceNumber: number, enqueuedTimeMs: number, deviceId: string, sensorId: string, tsMs: number, tsText: string | null, value: number];

/** A validated reading, ready to insert. */
interface PreparedReading {
  readonly index: number;
  readonly partition: number;
  readonly deviceId: string;
  readonly sensorId: string;
  readonly tsMs: number;
  readonly tsText: string | null;
  readonly value: number;
}

function show(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean" || value === undefined) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describeInvalid(index: number, input: unknown, issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[]): InvalidReading {
  const parts = issues.map((issue) => {
    const field = issue.path.map(String).join(".");
    return `${field || "reading"}: ${issue.message} (got ${show(valueAt(input, issue.path))})`;
  });
  return { index, field: issues[0]?.path.map(String).join(".") ?? "", message: parts.join("; ") };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "null";
  } catch {
    return JSON.stringify(String(value));
  }
}

function checkInteger(name: string, value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new EventLogError(`Invalid ${name} ${String(value)}: expected an integer from ${min} to ${max}`, "InvalidArgument");
  }
  return value;
}

/**
 * The local event log: an event hub on one SQLite file (WAL mode), so one process can append while others
 * read. Events are readings partitioned by deviceId (`partitionIdForKey`); each gets the next sequence
 * number of its partition and an enqueued time that never decreases across the log. Readers track a
 * per-partition `EventPosition`, so they resume exactly where they stopped.
 *
 * better-sqlite3 is synchronous: an append or a batch read runs on the calling thread (a few ms per 1000
 * events); the API is asynchronous so that the Event Hubs adapter fits the same `EventLog` interface.
 */
export class LocalEventLog implements EventLog {
  /** The file's absolute path. */
  readonly location: string;
  readonly partitionCount: number;
  /** `"0"` .. `"<partitionCount - 1>"`. */
  readonly partitionIds: readonly string[];
  private readonly db: Database.Database;
  private readonly clock: () => number;
  private readonly partitionMemo = new Map<string, number>();
  /** Followers waiting for new events; an append in this process wakes them at once (others poll). */
  private readonly wakers = new Set<() => void>();
  private closed = false;
  private readonly selectRange: Database.Statement<[number, number, number], EventRow>;
  /** Last sequence number and enqueued time of a partition (no row: empty). */
  private readonly selectHead: Database.Statement<[number], [number, number]>;
  private readonly appendTransaction: Database.Transaction<
    (valid: readonly PreparedReading[], invalid: readonly InvalidReading[], inputs: readonly unknown[]) => AppendResult
  >;

  private constructor(db: Database.Database, location: string, partitionCount: number, clock: () => number) {
    this.db = db;
    this.location = location;
    this.partitionCount = partitionCount;
    this.partitionIds = Object.freeze(Array.from({ length: partitionCount }, (_, i) => String(i)));
    this.clock = clock;
    this.selectRange = db
      .prepare<[number, number, number], EventRow>(
        `SELECT sequence_number, enqueued_time_ms, device_id, sensor_id, ts_ms, ts_text, value
         FROM events WHERE partition_id = ? AND sequence_number > ? ORDER BY sequence_number LIMIT ?`,
      )
      .raw(true);
    this.selectHead = db
      .prepare<[number], [number, number]>(
        "SELECT sequence_number, enqueued_time_ms FROM events WHERE partition_id = ? ORDER BY sequence_number DESC LIMIT 1",
      )
      .raw(true);
    const insertEvent = db.prepare<[number, number, number, string, string, number, string | null, number]>(
      "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const insertDeadLetter = db.prepare<[number, string, string]>("INSERT INTO dead_letters (enqueued_time_ms, reason, body) VALUES (?, ?, ?)");

    // Runs under BEGIN IMMEDIATE: the write lock is taken before the partition heads are read, so two
    // processes appending at once serialise and never hand out the same sequence number.
    this.appendTransaction = db.transaction((valid, invalid, inputs) => {
      const now = this.clock();
      if (typeof now !== "number" || !Number.isFinite(now)) {
        throw new EventLogError(`The event log's clock returned ${String(now)}, not epoch milliseconds`, "InvalidArgument");
      }
      // Enqueued times never decrease across the log (even if the clock steps back), which keeps the
      // (enqueued time, partition, sequence number) read order stable as the log grows.
      let enqueuedTimeMs = Math.floor(now);
      const next: number[] = [];
      for (let p = 0; p < this.partitionCount; p++) {
        const head = this.selectHead.get(p);
        next.push(head ? head[0] + 1 : 0);
        if (head && head[1] > enqueuedTimeMs) enqueuedTimeMs = head[1];
      }
      const events: AppendedEvent[] = new Array<AppendedEvent>(valid.length);
      for (let k = 0; k < valid.length; k++) {
        const r = valid[k]!;
        const sequenceNumber = next[r.partition]!;
        next[r.partition] = sequenceNumber + 1;
        insertEvent.run(r.partition, sequenceNumber, enqueuedTimeMs, r.deviceId, r.sensorId, r.tsMs, r.tsText, r.value);
        events[k] = { index: r.index, partitionId: this.partitionIds[r.partition]!, sequenceNumber };
      }
      for (const bad of invalid) insertDeadLetter.run(enqueuedTimeMs, bad.message, safeJson(inputs[bad.index]));
      return { events, enqueuedTimeMs, deadLettered: invalid };
    });
  }

  /**
   * Opens the log at `path` (resolved against the working directory), creating the file and its schema
   * when needed and migrating an older schema.
   * @throws EventLogError `Unavailable` (missing, unopenable, not an event log, corrupt; the path is named),
   * `SchemaTooNew`, `InvalidArgument` (bad options, or a partitionCount other than the log's).
   */
  static async open(path: string, options: OpenLocalEventLogOptions = {}): Promise<LocalEventLog> {
    throwIfAborted(options.abortSignal);
    if (typeof path !== "string" || path.length === 0) {
      throw new EventLogError(`Invalid event log path ${JSON.stringify(path)}; expected a file path`, "InvalidArgument");
    }
    const requestedPartitions = options.partitionCount === undefined ? undefined : checkInteger("partitionCount", options.partitionCount, 1, MAX_PARTITION_COUNT, DEFAULT_PARTITION_COUNT);
    const busyTimeoutInMs = checkInteger("busyTimeoutInMs", options.busyTimeoutInMs, 0, 2 ** 31 - 1, DEFAULT_BUSY_TIMEOUT_MS);
    const synchronous = options.synchronous ?? "normal";
    if (synchronous !== "normal" && synchronous !== "full") {
      throw new EventLogError(`Invalid synchronous ${JSON.stringify(synchronous)}: expected "normal" or "full"`, "InvalidArgument");
    }
    const clock = options.clock ?? Date.now;
    if (typeof clock !== "function") throw new EventLogError("Invalid clock: expected a function returning epoch milliseconds", "InvalidArgument");
    const location = resolve(path);
    const createIfNotExists = options.createIfNotExists ?? true;
    if (!createIfNotExists && !existsSync(location)) {
      throw new EventLogError(`Event log "${location}" does not exist (and createIfNotExists is false)`, "Unavailable");
    }

    let db: Database.Database | undefined;
    try {
      db = new Database(location, { timeout: busyTimeoutInMs, fileMustExist: !createIfNotExists });
      // WAL: readers in other processes never block the writer nor see a half-written append.
      const mode = db.pragma("journal_mode = WAL", { simple: true });
      if (mode !== "wal") logger.warning("event log is not in WAL mode; readers in other processes may wait for writers", { location, mode });
      db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
      const { partitionCount, created, migratedFrom } = migrate(db, location, requestedPartitions, clock);
      logger.info("opened event log", { location, partitionCount, created, schemaVersion: SCHEMA_VERSION, migratedFrom });
      return new LocalEventLog(db, location, partitionCount, clock);
    } catch (e) {
      db?.close();
      throw toEventLogError(e, location, "opening it", { opening: true });
    }
  }

  async append(readings: readonly Reading[], options: AppendOptions = {}): Promise<AppendResult> {
    throwIfAborted(options.abortSignal);
    this.assertOpen();
    if (!Array.isArray(readings)) throw new EventLogError(`append expects an array of readings, got ${show(readings)}`, "InvalidArgument");
    const onInvalid = options.onInvalid ?? "reject";
    if (onInvalid !== "reject" && onInvalid !== "deadLetter") {
      throw new EventLogError(`Invalid onInvalid ${show(onInvalid)}: expected "reject" or "deadLetter"`, "InvalidArgument");
    }

    // Validate and convert before taking the write lock, so invalid input never holds up other writers.
    const inputs: readonly unknown[] = readings;
    const valid: PreparedReading[] = [];
    const invalid: InvalidReading[] = [];
    for (let index = 0; index < inputs.length; index++) {
      const parsed = Reading.safeParse(inputs[index]);
      if (!parsed.success) {
        invalid.push(describeInvalid(index, inputs[index], parsed.error.issues));
        continue;
      }
      const { deviceId, sensorId, ts, value } = parsed.data;
      const tsMs = Date.parse(ts);
      // The contract's ts is YYYY-MM-DDTHH:MM:SS[.f+]Z; at 24 characters it has exactly three fraction
      // digits, which is what toISOString gives back from ts_ms. Only other forms need their text kept.
      valid.push({ index, partition: this.partitionOf(deviceId), deviceId, sensorId, tsMs, tsText: ts.length === 24 ? null : ts, value });
    }
    if (invalid.length > 0 && onInvalid === "reject") {
      const first = invalid[0]!;
      const more = invalid.length > 1 ? `; ${invalid.length - 1} more invalid (indexes ${invalid.slice(1, 11).map((i) => i.index).join(", ")}${invalid.length > 11 ? ", ..." : ""})` : "";
      throw new EventLogError(
        `Invalid reading at index ${first.index} of ${inputs.length}: ${first.message}${more}; nothing of this batch was written to ${this.location}`,
        "InvalidEvent",
        { invalidReadings: invalid },
      );
    }
    if (valid.length === 0 && invalid.length === 0) return { events: [], enqueuedTimeMs: Math.floor(this.clock()), deadLettered: [] };

    let result: AppendResult;
    try {
      result = this.appendTransaction.immediate(valid, invalid, inputs);
    } catch (e) {
      throw toEventLogError(e, this.location, "appending", { closed: !this.db.open });
    }
    if (invalid.length > 0) {
      logger.warning("readings set aside as dead letters", { location: this.location, count: invalid.length, first: invalid[0]!.message });
    }
    if (logger.enabled("verbose")) logger.verbose("appended", { location: this.location, count: valid.length, enqueuedTimeMs: result.enqueuedTimeMs });
    for (const wake of [...this.wakers]) wake();
    return result;
  }

  read(from: EventPosition | undefined, options: ReadEventsOptions = {}): AsyncIterable<ReceivedEventBatch> {
    return this.readBatches(from, options);
  }

  private async *readBatches(from: EventPosition | undefined, options: ReadEventsOptions): AsyncGenerator<ReceivedEventBatch> {
    const maxBatchSize = checkInteger("maxBatchSize", options.maxBatchSize, 1, MAX_MAX_BATCH_SIZE, DEFAULT_MAX_BATCH_SIZE);
    const pollIntervalInMs = checkInteger("pollIntervalInMs", options.pollIntervalInMs, 1, 2 ** 31 - 1, DEFAULT_POLL_INTERVAL_MS);
    const follow = options.follow ?? false;
    const signal = options.abortSignal;
    throwIfAborted(signal);
    this.assertOpen();
    const partitionCount = this.partitionCount;
    /** Per partition: sequence number of the last event handed out (-1: none). */
    const cursor = this.startCursor(from);
    // Each partition is read a page at a time and the pages are merged. Pages of maxBatchSize / partitions
    // keep what a reader holds near one batch; but not under 256 events (or the batch), as each page read
    // has a fixed cost. A reader holds at most partitions x page size + one batch of events.
    const pageSize = Math.max(Math.ceil(maxBatchSize / partitionCount), Math.min(maxBatchSize, 256));
    const pages: EventRow[][] = Array.from({ length: partitionCount }, () => []);
    const taken = new Array<number>(partitionCount).fill(0);
    /** False once a page read in the current batch's snapshot came back short: nothing more there for now. */
    const mayHaveMore = new Array<boolean>(partitionCount).fill(true);

    // One batch is merged inside one read transaction, so all its page reads see the same snapshot. As an
    // append's enqueued time is at least that of everything committed before it, events committed after
    // the snapshot cannot sort before anything handed out: enqueued times never decrease along a read,
    // even while other processes append.
    const fillBatch = this.db.transaction((events: ReceivedEvent[]): void => {
      while (events.length < maxBatchSize) {
        // k-way merge on (enqueued time, partition id): each page is already in sequence-number order, and
        // enqueued times never decrease within a partition, so the heads decide. Strict < lets the lower
        // partition id win ties. A partition whose page ran out is refilled before it is compared (else a
        // later event of another partition could overtake its next one); one found empty sits out the
        // rest of the batch.
        let best = -1;
        let bestTime = Number.POSITIVE_INFINITY;
        for (let p = 0; p < partitionCount; p++) {
          let page = pages[p]!;
          if (taken[p]! >= page.length) {
            if (!mayHaveMore[p]) continue;
            page = this.selectRange.all(p, cursor[p]!, pageSize);
            pages[p] = page;
            taken[p] = 0;
            mayHaveMore[p] = page.length === pageSize;
            if (page.length === 0) continue;
          }
          const time = page[taken[p]!]![1];
          if (time < bestTime) {
            best = p;
            bestTime = time;
          }
        }
        if (best < 0) break;
        const row = pages[best]![taken[best]!++]!;
        cursor[best] = row[0];
        events.push({
          partitionId: this.partitionIds[best]!,
          sequenceNumber: row[0],
          enqueuedTimeMs: row[1],
          reading: { deviceId: row[2], sensorId: row[3], ts: row[5] ?? new Date(row[4]).toISOString(), value: row[6] },
        });
      }
    });

    for (;;) {
      throwIfAborted(signal);
      this.assertOpen();
      // "No more" was true of an earlier snapshot only: every partition is looked at again in this batch's
      // snapshot once its page runs out (that is where new events show up, and it keeps the order above).
      mayHaveMore.fill(true);
      const events: ReceivedEvent[] = [];
      try {
        fillBatch(events);
      } catch (e) {
        throw toEventLogError(e, this.location, "reading", { closed: !this.db.open });
      }
      if (events.length > 0) {
        yield { events, position: positionOf(cursor) };
        continue;
      }
      if (!follow) return;
      await this.waitForAppend(pollIntervalInMs, signal);
    }
  }

  /** Partition properties, event count, dead letters and the end position, for monitoring. */
  async getProperties(options: OperationOptions = {}): Promise<EventLogProperties> {
    throwIfAborted(options.abortSignal);
    this.assertOpen();
    try {
      return this.db.transaction(() => {
        const createdOnMs = this.db.prepare<[], number>("SELECT created_time_ms FROM event_hub WHERE id = 1").pluck(true).get()!;
        const deadLetterCount = this.db.prepare<[], number>("SELECT count(*) FROM dead_letters").pluck(true).get()!;
        const selectFirstTime = this.db.prepare<[number], number>(
          "SELECT enqueued_time_ms FROM events WHERE partition_id = ? ORDER BY sequence_number LIMIT 1",
        ).pluck(true);
        const partitions = this.partitionIds.map((partitionId, p): PartitionProperties => {
          const head = this.selectHead.get(p);
          return {
            partitionId,
            // Sequence numbers start at 0 and nothing is ever removed, so the count is the last one + 1.
            eventCount: head ? head[0] + 1 : 0,
            isEmpty: !head,
            lastEnqueuedSequenceNumber: head ? head[0] : -1,
            firstEnqueuedTimeMs: head ? selectFirstTime.get(p) : undefined,
            lastEnqueuedTimeMs: head?.[1],
          };
        });
        return {
          location: this.location,
          partitionIds: this.partitionIds,
          partitions,
          eventCount: partitions.reduce((n, p) => n + p.eventCount, 0),
          deadLetterCount,
          createdOnMs,
          endPosition: positionOf(partitions.map((p) => p.lastEnqueuedSequenceNumber)),
        };
      })();
    } catch (e) {
      throw toEventLogError(e, this.location, "reading its properties", { closed: !this.db.open });
    }
  }

  /** The readings set aside by `append(..., { onInvalid: "deadLetter" })`, oldest first. */
  async *readDeadLetters(options: ReadDeadLettersOptions = {}): AsyncGenerator<DeadLetter> {
    let after = 0;
    for (;;) {
      throwIfAborted(options.abortSignal);
      this.assertOpen();
      let rows: [number, number, string, string][];
      try {
        rows = this.db
          .prepare<[number], [number, number, string, string]>("SELECT id, enqueued_time_ms, reason, body FROM dead_letters WHERE id > ? ORDER BY id LIMIT 1000")
          .raw(true)
          .all(after);
      } catch (e) {
        throw toEventLogError(e, this.location, "reading dead letters", { closed: !this.db.open });
      }
      for (const [id, enqueuedTimeMs, reason, body] of rows) {
        after = id;
        yield { id, enqueuedTimeMs, reason, body: JSON.parse(body) as unknown };
      }
      if (rows.length < 1000) return;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    for (const wake of [...this.wakers]) wake();
    logger.verbose("closed event log", { location: this.location });
  }

  private assertOpen(): void {
    if (this.closed) throw new EventLogError(`Event log "${this.location}" is closed`, "Unavailable");
  }

  private partitionOf(deviceId: string): number {
    let p = this.partitionMemo.get(deviceId);
    if (p === undefined) {
      if (this.partitionMemo.size >= PARTITION_MEMO_LIMIT) this.partitionMemo.clear();
      p = partitionIndexForKey(deviceId, this.partitionCount);
      this.partitionMemo.set(deviceId, p);
    }
    return p;
  }

  /** The cursor for a start position, checked against this log. */
  private startCursor(from: EventPosition | undefined): number[] {
    const cursor = new Array<number>(this.partitionCount).fill(-1);
    if (from === undefined) return cursor;
    validateEventPosition(from);
    for (const [id, seq] of Object.entries(from.sequenceNumbers)) {
      const p = Number(id);
      if (p >= this.partitionCount) {
        throw new EventLogError(
          `Invalid event position: it names partition ${id}, but the event log "${this.location}" has partitions 0 to ${this.partitionCount - 1}`,
          "InvalidPosition",
        );
      }
      let last: number;
      try {
        last = this.selectHead.get(p)?.[0] ?? -1;
      } catch (e) {
        throw toEventLogError(e, this.location, "reading", { closed: !this.db.open });
      }
      if (seq > last) {
        throw new EventLogError(
          `Invalid event position: partition ${id} is at sequence number ${seq}, beyond the last event of the log (${last}) in "${this.location}"; was the log recreated since this position was saved?`,
          "InvalidPosition",
        );
      }
      cursor[p] = seq;
    }
    return cursor;
  }

  /** Resolves after `ms`, or sooner when this log appends or closes; rejects with an AbortError on abort. */
  private waitForAppend(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolvePromise, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        signal?.removeEventListener("abort", onAbort);
      };
      const wake = (): void => {
        settle();
        resolvePromise();
      };
      const onAbort = (): void => {
        settle();
        reject(abortError());
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

/** The position after the events a cursor has handed out. */
function positionOf(cursor: readonly number[]): EventPosition {
  const sequenceNumbers: Record<string, number> = {};
  for (let p = 0; p < cursor.length; p++) if (cursor[p]! >= 0) sequenceNumbers[String(p)] = cursor[p]!;
  return { sequenceNumbers };
}

/** Creates or migrates the schema in one write transaction, so processes opening a new file at once agree. */
function migrate(
  db: Database.Database,
  location: string,
  requestedPartitions: number | undefined,
  clock: () => number,
): { partitionCount: number; created: boolean; migratedFrom: number } {
  return db.transaction(() => {
    const tables = db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck(true).all();
    if (!tables.includes(SCHEMA_TABLE)) {
      if (tables.length > 0) {
        throw new EventLogError(
          `"${location}" is a SQLite database but not an event log (it has tables ${tables.slice(0, 5).join(", ")} and no ${SCHEMA_TABLE})`,
          "Unavailable",
        );
      }
      db.exec(`CREATE TABLE ${SCHEMA_TABLE} (version INTEGER PRIMARY KEY, applied_time_ms INTEGER NOT NULL)`);
    }
    const current = db.prepare<[], number | null>(`SELECT max(version) FROM ${SCHEMA_TABLE}`).pluck(true).get() ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new EventLogError(
        `Event log "${location}" has schema version ${current}; this version of @fleetscore/event-transport reads up to ${SCHEMA_VERSION}: upgrade it`,
        "SchemaTooNew",
      );
    }
    const recordVersion = db.prepare<[number, number]>(`INSERT INTO ${SCHEMA_TABLE} (version, applied_time_ms) VALUES (?, ?)`);
    for (let v = current + 1; v <= SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v - 1]!);
      recordVersion.run(v, Date.now());
    }
    const existing = db.prepare<[], number>("SELECT partition_count FROM event_hub WHERE id = 1").pluck(true).get();
    if (existing === undefined) {
      const partitionCount = requestedPartitions ?? DEFAULT_PARTITION_COUNT;
      db.prepare<[number, number]>("INSERT INTO event_hub (id, partition_count, created_time_ms) VALUES (1, ?, ?)").run(partitionCount, Math.floor(clock()));
      return { partitionCount, created: true, migratedFrom: current };
    }
    if (requestedPartitions !== undefined && requestedPartitions !== existing) {
      throw new EventLogError(
        `Event log "${location}" has ${existing} partitions, not the ${requestedPartitions} asked for (a log's partition count is fixed when it is created)`,
        "InvalidArgument",
      );
    }
    return { partitionCount: existing, created: false, migratedFrom: current };
  }).immediate();
}

/** SQLite failures become `Unavailable` naming the file; our own errors and aborts pass through. */
function toEventLogError(e: unknown, location: string, doing: string, { opening = false, closed = false }: { opening?: boolean; closed?: boolean } = {}): Error {
  if (isEventLogError(e) || isAbortError(e)) return e;
  if (e instanceof Database.SqliteError) {
    const code = e.code;
    const why = code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")
      ? "another connection kept it locked for longer than busyTimeoutInMs"
      : code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")
        ? "it is not a SQLite database or it is corrupt"
        : code.startsWith("SQLITE_CANTOPEN")
          ? "the file cannot be opened (missing folder or no permission)"
          : code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_PERM")
            ? "the file is read-only"
            : code === "SQLITE_FULL"
              ? "the disk is full"
              : e.message;
    return new EventLogError(`Event log "${location}" is unavailable while ${doing}: ${why} (${code}: ${e.message})`, "Unavailable", { cause: e });
  }
  // better-sqlite3 throws plain TypeErrors (no code) for a missing folder when opening, and for a statement on a
  // connection closed under it: the caller says which from the connection's state, not from the message.
  if (e instanceof Error && (opening || closed)) {
    return new EventLogError(`Event log "${location}" is unavailable while ${doing}: ${e.message}`, "Unavailable", { cause: e });
  }
  return e instanceof Error ? e : new EventLogError(`Event log "${location}" is unavailable while ${doing}: ${String(e)}`, "Unavailable");
}
