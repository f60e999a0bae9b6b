import type { WindowAggregateRecord } from "@fleetscore/stream-windowing";
import { AggregateStoreError, throwIfAborted } from "./aggregate-store-error.js";
import type { AggregatorCheckpoint, DeadLetter, ReadAggregatesOptions, ReadDeadLettersOptions, StoredDeadLetter, WindowMeanRecord, WriteAggregatesOptions } from "./aggregate-store.js";
import type { SqlErrorContext } from "./map-sql-error.js";

/**
 * The times every dialect can hold: SQL Server's datetime2 runs from 0001-01-01 to 9999-12-31, so the
 * stores accept exactly that range (PostgreSQL and SQLite hold more).
 */
export const MIN_TIME_MS = -62_135_596_800_000; // 0001-01-01T00:00:00.000Z
/** 9999-12-31T23:59:59.999Z */
export const MAX_TIME_MS = 253_402_300_799_999;
/** Counts are stored as 32-bit integers (int / integer) in every dialect. */
export const MAX_COUNT = 2_147_483_647;
/** Checkpoint names are stored as nvarchar(256) / text. */
export const MAX_CHECKPOINT_NAME_LENGTH = 256;

/** The contract's DeviceId / SensorId rule (libs/contracts ids.ts), checked without zod on the hot path. */
const ID = /^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/;

function describeValue(value: unknown): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value)?.slice(0, 80) ?? String(value);
  } catch {
    return String(value);
  }
}

function bad(index: number, record: unknown, field: string, value: unknown, rule: string): AggregateStoreError {
  const r = record as Partial<WindowAggregateRecord> | null;
  const which =
    r && typeof r === "object" && typeof r.deviceId === "string" && typeof r.sensorId === "string"
      ? ` (device ${JSON.stringify(r.deviceId)}, sensor ${JSON.stringify(r.sensorId)}, windowEndMs ${describeValue(r.windowEndMs)})`
      : "";
  return new AggregateStoreError(
    `Invalid aggregate record at index ${index}${which}: ${field} is ${describeValue(value)}; it must be ${rule}. Nothing was written.`,
    "InvalidRecord",
  );
}

const isTime = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= MIN_TIME_MS && v <= MAX_TIME_MS;
const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const TIME_RULE = "an integer epoch ms between 0001-01-01 and 9999-12-31";
const FLOAT_RULE = "a finite number";

/**
 * Checks one record before it is written: ids follow the contract, times are whole ms in range with
 * start < end, count is a 32-bit non-negative integer, and the statistics are finite (no NaN or
 * Infinity: SQL Server cannot store them, and no window of real readings produces them).
 * @throws AggregateStoreError `InvalidRecord`, naming the index, the field and its value.
 */
export function checkRecord(record: WindowAggregateRecord, index: number): void {
  if (typeof record !== "object" || record === null) throw bad(index, record, "the record", record, "an object");
  if (typeof record.deviceId !== "string" || !ID.test(record.deviceId)) {
    throw bad(index, record, "deviceId", record.deviceId, "1-64 of A-Z a-z 0-9 . - (starting with a letter or digit)");
  }
  if (typeof record.sensorId !== "string" || !ID.test(record.sensorId)) {
    throw bad(index, record, "sensorId", record.sensorId, "1-64 of A-Z a-z 0-9 . - (starting with a letter or digit)");
  }
  if (!isTime(record.windowStartMs)) throw bad(index, record, "windowStartMs", record.windowStartMs, TIME_RULE);
  if (!isTime(record.windowEndMs)) throw bad(index, record, "windowEndMs", record.windowEndMs, TIME_RULE);
  if (record.windowStartMs >= record.windowEndMs) {
    throw bad(index, record, "windowStartMs", record.windowStartMs, `before windowEndMs (${record.windowEndMs})`);
  }
  const { count } = record;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > MAX_COUNT) {
    throw bad(index, record, "count", count, `an integer from 0 to ${MAX_COUNT}`);
  }
  if (!isFiniteNumber(record.mean)) throw bad(index, record, "mean", record.mean, FLOAT_RULE);
  if (!isFiniteNumber(record.min)) throw bad(index, record, "min", record.min, FLOAT_RULE);
  if (!isFiniteNumber(record.max)) throw bad(index, record, "max", record.max, FLOAT_RULE);
  if (!isFiniteNumber(record.stddev)) throw bad(index, record, "stddev", record.stddev, FLOAT_RULE);
}

/** @throws AggregateStoreError `InvalidRecord` when `records` is not an array. */
export function checkRecordArray(records: unknown): asserts records is readonly WindowAggregateRecord[] {
  if (!Array.isArray(records)) {
    throw new AggregateStoreError(`write() takes an array of aggregate records, not ${describeValue(records)}`, "InvalidRecord");
  }
}

/** @throws AggregateStoreError `InvalidRecord` for a checkpoint that is not three strings with a usable name. */
export function checkCheckpoint(checkpoint: AggregatorCheckpoint): void {
  const c = checkpoint as Partial<AggregatorCheckpoint> | null;
  const fail = (why: string) => new AggregateStoreError(`Invalid checkpoint: ${why}. Nothing was written.`, "InvalidRecord");
  if (typeof c !== "object" || c === null) throw fail(`expected { name, position, state }, got ${describeValue(c)}`);
  if (typeof c.name !== "string" || c.name === "" || c.name.length > MAX_CHECKPOINT_NAME_LENGTH) {
    throw fail(`name is ${describeValue(c.name)}; it must be a string of 1-${MAX_CHECKPOINT_NAME_LENGTH} characters`);
  }
  if (typeof c.position !== "string") throw fail(`position of ${JSON.stringify(c.name)} is ${describeValue(c.position)}; it must be a string`);
  if (typeof c.state !== "string") throw fail(`state of ${JSON.stringify(c.name)} is ${describeValue(c.state)}; it must be a string`);
}

/** A dead letter's body is cut to this many characters (a hostile event cannot fill the database). */
export const MAX_DEAD_LETTER_BODY_LENGTH = 4096;
/** A dead letter's source key and reason are cut to these lengths. */
const MAX_SOURCE_KEY_LENGTH = 256;
const MAX_REASON_LENGTH = 1000;

/** Cut to `max` characters, NUL (PostgreSQL text cannot hold it) and lone surrogates (as a cut may leave) replaced. */
const storable = (text: string, max: number): string =>
  text
    .slice(0, max)
    .replaceAll("\u0000", "\ufffd")
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");

/**
 * Checks the dead letters of a write and cuts their texts to the stored limits.
 * @throws AggregateStoreError `InvalidArgument` when there are dead letters but no checkpoint, or one is not
 * { sourceKey, reason, body, receivedAtMs }.
 */
export function planDeadLetters(options: WriteAggregatesOptions): DeadLetter[] {
  const letters = options.deadLetters ?? [];
  if (letters.length === 0) return [];
  const fail = (why: string) => new AggregateStoreError(`Invalid dead letters: ${why}. Nothing was written.`, "InvalidArgument");
  if (!Array.isArray(letters)) throw fail("deadLetters must be an array");
  if (options.checkpoint === undefined) throw fail("dead letters belong to a checkpoint: pass checkpoint too");
  return letters.map((d, i) => {
    if (typeof d !== "object" || d === null || typeof d.sourceKey !== "string" || d.sourceKey === "" || typeof d.reason !== "string" || typeof d.body !== "string") {
      throw fail(`deadLetters[${i}] is ${describeValue(d)}; expected { sourceKey, reason, body, receivedAtMs }`);
    }
    if (!isTime(d.receivedAtMs)) throw fail(`deadLetters[${i}].receivedAtMs is ${describeValue(d.receivedAtMs)}; it must be ${TIME_RULE}`);
    return { sourceKey: storable(d.sourceKey, MAX_SOURCE_KEY_LENGTH), reason: storable(d.reason, MAX_REASON_LENGTH), body: storable(d.body, MAX_DEAD_LETTER_BODY_LENGTH), receivedAtMs: d.receivedAtMs };
  });
}

/** Which columns a read fetches: all of a record's, or only those of a {@link WindowMeanRecord}. */
export type ReadColumns = "all" | "means";

/** An aggregate row as the SQLite and PostgreSQL reads return it: device, sensor, start ms, end ms, count, mean, min, max, stddev. */
export type AggregateRow = [string, string, number, number, number, number, number, number, number];
/** A means row as the SQLite and PostgreSQL reads return it: device, sensor, end ms, mean. */
export type MeanRow = [string, string, number, number];

export const aggregateRowToRecord = (r: AggregateRow): WindowAggregateRecord => ({
  deviceId: r[0],
  sensorId: r[1],
  windowStartMs: r[2],
  windowEndMs: r[3],
  count: r[4],
  mean: r[5],
  min: r[6],
  max: r[7],
  stddev: r[8],
});

export const meanRowToRecord = (r: MeanRow): WindowMeanRecord => ({ deviceId: r[0], sensorId: r[1], windowEndMs: r[2], mean: r[3] });

/** A dead-letter row as the SQLite and PostgreSQL reads return it (checkpoint, source key, reason, body, received ms). */
export type DeadLetterRow = [string, string, string, string, number];

export const toStoredDeadLetter = ([checkpointName, sourceKey, reason, body, receivedAtMs]: DeadLetterRow): StoredDeadLetter => ({ checkpointName, sourceKey, reason, body, receivedAtMs });

/**
 * The `batchSize` option of a store that writes in batches (PostgreSQL, SQL Server).
 * @throws AggregateStoreError `InvalidArgument` when it is not a positive integer.
 */
export function checkBatchSize(batchSize: number): number {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new AggregateStoreError(`batchSize must be a positive integer, not ${String(batchSize)}`, "InvalidArgument");
  return batchSize;
}

/** @throws AggregateStoreError `InvalidArgument` for dead-letter read options that are not usable. */
export function planReadDeadLetters(options: ReadDeadLettersOptions): { checkpointName: string | undefined; limit: number } {
  const limit = options.limit ?? 1000;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new AggregateStoreError(`Invalid dead-letter read: limit is ${describeValue(limit)}; it must be a positive integer`, "InvalidArgument");
  if (options.checkpointName !== undefined) checkCheckpointName(options.checkpointName);
  return { checkpointName: options.checkpointName, limit };
}

/** @throws AggregateStoreError `InvalidArgument` for a name readCheckpoint cannot look up. */
export function checkCheckpointName(name: string): void {
  if (typeof name !== "string" || name === "" || name.length > MAX_CHECKPOINT_NAME_LENGTH) {
    throw new AggregateStoreError(
      `Invalid checkpoint name ${describeValue(name)}: expected a string of 1-${MAX_CHECKPOINT_NAME_LENGTH} characters`,
      "InvalidArgument",
    );
  }
}

/** A read range normalised to whole, representable ms: windows with `fromInclusiveMs <= windowEndMs <= toInclusiveMs`. */
export interface ReadPlan {
  readonly fromInclusiveMs: number;
  readonly toInclusiveMs: number;
  readonly pageSize: number;
  /** Undefined: all models. Deduplicated. */
  readonly models?: readonly { readonly deviceId: string; readonly sensorId: string }[];
  /** Only windows of this size (ms); undefined: the database's only size (see resolveWindowSize). */
  readonly windowMs?: number;
  /** True when nothing can match (empty range or empty model list): no query is needed. */
  readonly empty: boolean;
}

export const DEFAULT_PAGE_SIZE = 10_000;

/**
 * Checks and normalises read options. Window ends are whole ms, so `fromMs < end` is `floor(fromMs) + 1 <= end`
 * and `end <= toMs` is `end <= floor(toMs)`; bounds beyond the storable range (including +-Infinity) are
 * clamped to it.
 * @throws AggregateStoreError `InvalidArgument`, naming the option and its value.
 */
export function planRead(options: ReadAggregatesOptions): ReadPlan {
  const fail = (why: string) => new AggregateStoreError(`Invalid read options: ${why}`, "InvalidArgument");
  if (typeof options !== "object" || options === null) throw fail("expected { fromMs, toMs }");
  const { fromMs, toMs } = options;
  if (typeof fromMs !== "number" || Number.isNaN(fromMs)) throw fail(`fromMs is ${describeValue(fromMs)}; it must be a number (epoch ms, exclusive)`);
  if (typeof toMs !== "number" || Number.isNaN(toMs)) throw fail(`toMs is ${describeValue(toMs)}; it must be a number (epoch ms, inclusive)`);
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw fail(`pageSize is ${describeValue(pageSize)}; it must be a positive integer`);
  const { windowMs } = options;
  if (windowMs !== undefined && (!Number.isSafeInteger(windowMs) || windowMs < 1)) throw fail(`windowMs is ${describeValue(windowMs)}; it must be a positive integer (ms)`);
  const fromInclusiveMs = Math.max(MIN_TIME_MS, Math.floor(fromMs) + 1);
  const toInclusiveMs = Math.min(MAX_TIME_MS, Math.floor(toMs));
  let models: { deviceId: string; sensorId: string }[] | undefined;
  if (options.models !== undefined) {
    if (!Array.isArray(options.models)) throw fail("models must be an array of { deviceId, sensorId }");
    const seen = new Set<string>();
    models = [];
    for (const [i, m] of options.models.entries()) {
      if (typeof m !== "object" || m === null || typeof m.deviceId !== "string" || typeof m.sensorId !== "string") {
        throw fail(`models[${i}] is ${describeValue(m)}; expected { deviceId, sensorId }`);
      }
      // Keys no record can have (see checkRecord) cannot match: leave them out of the query.
      if (!ID.test(m.deviceId) || !ID.test(m.sensorId)) continue;
      const key = `${m.deviceId}_${m.sensorId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      models.push({ deviceId: m.deviceId, sensorId: m.sensorId });
    }
  }
  const empty = fromInclusiveMs > toInclusiveMs || (models !== undefined && models.length === 0);
  return { fromInclusiveMs, toInclusiveMs, pageSize, ...(models ? { models } : {}), ...(windowMs !== undefined && { windowMs }), empty };
}

/**
 * The records as upsert batches of at most `batchSize`, each reduced to the last of each key. Checked batch
 * by batch as the caller writes them inside its transaction: an invalid record throws before its batch is
 * written and rolls back the batches before it. The signal is checked before each batch.
 */
export function* upsertBatches(records: readonly WindowAggregateRecord[], batchSize: number, abortSignal?: AbortSignal): Generator<readonly WindowAggregateRecord[]> {
  for (let start = 0; start < records.length; start += batchSize) {
    throwIfAborted(abortSignal);
    const end = Math.min(records.length, start + batchSize);
    for (let i = start; i < end; i++) checkRecord(records[i]!, i);
    yield lastOfEachKey(records, start, end);
  }
}

/**
 * The records of `records[start, end)` with repeated keys (deviceId, sensorId, windowStartMs, windowEndMs) reduced to
 * the last occurrence, in first-occurrence order. One multi-row upsert cannot touch a row twice
 * (PostgreSQL: "ON CONFLICT DO UPDATE command cannot affect row a second time"; SQL Server: MERGE
 * "attempted to UPDATE or DELETE the same row more than once"), and the latest write must win.
 */
function lastOfEachKey(records: readonly WindowAggregateRecord[], start: number, end: number): readonly WindowAggregateRecord[] {
  const slice = records.slice(start, end);
  const at = new Map<string, number>();
  let duplicates = false;
  for (let i = 0; i < slice.length; i++) {
    const r = slice[i]!;
    const key = `${r.deviceId}\u0000${r.sensorId}\u0000${r.windowStartMs}\u0000${r.windowEndMs}`;
    const previous = at.get(key);
    if (previous !== undefined) {
      slice[previous] = r;
      duplicates = true;
    } else {
      at.set(key, i);
    }
  }
  if (!duplicates) return slice;
  return [...at.values()].map((i) => slice[i]!);
}

/** Orders records as reads return them: by windowEndMs, then deviceId, then sensorId (code unit order). */
export function compareRecordKeys(a: WindowAggregateRecord, b: WindowAggregateRecord): number {
  if (a.windowEndMs !== b.windowEndMs) return a.windowEndMs < b.windowEndMs ? -1 : 1;
  if (a.deviceId !== b.deviceId) return a.deviceId < b.deviceId ? -1 : 1;
  if (a.sensorId !== b.sensorId) return a.sensorId < b.sensorId ? -1 : 1;
  return 0;
}

/** A write checked once: what a dialect writes in its one transaction. */
export interface PlannedWrite {
  readonly aggregates: readonly WindowAggregateRecord[];
  readonly checkpoint: AggregatorCheckpoint | undefined;
  /** The dead letters, checked and cut to their stored lengths. */
  readonly deadLetters: readonly DeadLetter[];
  readonly abortSignal: AbortSignal | undefined;
  /** How the write's errors are described and which code a driver error gets. */
  readonly context: SqlErrorContext;
}

/**
 * The checks every dialect makes before a write touches the database (abort, records, checkpoint, dead letters).
 * @returns the planned write, or undefined when there is nothing to write.
 * @throws AggregateStoreError `InvalidRecord` / `InvalidArgument`; the signal's AbortError.
 */
export function planWrite(aggregates: readonly WindowAggregateRecord[], options: WriteAggregatesOptions, where: string): PlannedWrite | undefined {
  throwIfAborted(options.abortSignal);
  checkRecordArray(aggregates);
  if (options.checkpoint !== undefined) checkCheckpoint(options.checkpoint);
  // Checked once here; the dialect writes what this returns.
  const deadLetters = planDeadLetters(options);
  if (aggregates.length === 0 && options.checkpoint === undefined) return undefined;
  return {
    aggregates,
    checkpoint: options.checkpoint,
    deadLetters,
    abortSignal: options.abortSignal,
    context: { where, activity: `writing ${aggregates.length} aggregates`, fallback: "WriteFailed" },
  };
}

/** The distinct window sizes (end - start, ms) of `records[start, end)`: what a write adds to window_sizes. */
export function windowSizesOf(records: readonly WindowAggregateRecord[], start = 0, end = records.length): number[] {
  const sizes = new Set<number>();
  for (let i = start; i < end; i++) sizes.add(records[i]!.windowEndMs - records[i]!.windowStartMs);
  return [...sizes];
}

/** `5s`, `1m`, `1h30m`, `250ms`: a window size as people write it (and as `--window` takes it). */
export function formatWindowSize(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  const units: [string, number][] = [["d", 86_400], ["h", 3_600], ["m", 60], ["s", 1]];
  let seconds = ms / 1000;
  let text = "";
  for (const [unit, size] of units) {
    if (seconds >= size) {
      text += `${Math.floor(seconds / size)}${unit}`;
      seconds %= size;
    }
  }
  return text;
}

const WINDOW_SIZE = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;

/**
 * Reads a window size as `formatWindowSize` writes it (`5s`, `1m`, `1h30m`, `250ms`), to ms.
 * @throws AggregateStoreError `InvalidArgument` naming the accepted forms.
 */
export function parseWindowSize(text: string): number {
  const m = WINDOW_SIZE.exec(text.trim());
  const ms = m && m[0] !== "" ? [86_400_000, 3_600_000, 60_000, 1000, 1].reduce((sum, unit, i) => sum + Number(m[i + 1] ?? 0) * unit, 0) : 0;
  if (!(ms > 0) || !Number.isSafeInteger(ms)) {
    throw new AggregateStoreError(`${JSON.stringify(text.slice(0, 40))} is not a window size: use e.g. 5s, 1m, 1h30m, 250ms`, "InvalidArgument");
  }
  return ms;
}

/**
 * The window size a read uses: the one asked for, else the database's only one. Windows of different
 * sizes have different means and the same ends, so a read never mixes them.
 * @returns undefined when the database holds no windows at all.
 * @throws AggregateStoreError `AmbiguousWindowSize`, listing the sizes.
 */
export function resolveWindowSize(where: string, asked: number | undefined, sizes: readonly number[]): number | undefined {
  if (asked !== undefined) return asked;
  if (sizes.length > 1) {
    throw new AggregateStoreError(
      `${where} holds windows of ${sizes.length} sizes (${sizes.map(formatWindowSize).join(", ")}); choose one to read (windowMs): windows of different sizes do not mix`,
      "AmbiguousWindowSize",
    );
  }
  return sizes[0];
}

/**
 * Keyset paging, the same in every dialect: pages of `plan.pageSize` records of one window size after the
 * last key read (window_end, device_id, sensor_id), until a short page, so memory never grows with the table.
 * @param windowSizes The database's sizes, asked only when the plan names none.
 * @param fetchPage One dialect query for the page after `last` (undefined: the first page) of windows of
 * `windowMs`, errors mapped.
 * @param assertOpen Checked before each page: a store closed while a reader pages fails with `Closed`.
 */
export async function* keysetPages<R extends WindowMeanRecord>(
  plan: ReadPlan,
  where: string,
  windowSizes: () => Promise<number[]>,
  fetchPage: (last: R | undefined, windowMs: number) => Promise<readonly R[]>,
  assertOpen: () => void,
  abortSignal: AbortSignal | undefined,
): AsyncGenerator<readonly R[]> {
  if (plan.empty) return;
  assertOpen();
  throwIfAborted(abortSignal);
  const windowMs = resolveWindowSize(where, plan.windowMs, plan.windowMs === undefined ? await windowSizes() : []);
  if (windowMs === undefined) return;
  let last: R | undefined;
  for (;;) {
    assertOpen();
    throwIfAborted(abortSignal);
    const page = await fetchPage(last, windowMs);
    if (page.length === 0) return;
    last = page[page.length - 1];
    yield page;
    if (page.length < plan.pageSize) return;
  }
}

/**
 * The error of a write that met a window another aggregation wrote (see the `WriteConflict` code).
 * @param existing The checkpoint that wrote the window (null: a write without a checkpoint).
 * @param writer The checkpoint of this write (undefined: none).
 */
export function writeConflict(where: string, key: { deviceId: string; sensorId: string; windowEndMs: number; windowStartMs?: number }, existing: string | null, writer: string | undefined): AggregateStoreError {
  const name = (n: string | null | undefined): string => (n == null ? "a write without a checkpoint" : `checkpoint ${JSON.stringify(n)}`);
  return new AggregateStoreError(
    `${where}: the ${key.windowStartMs === undefined ? "" : `${formatWindowSize(key.windowEndMs - key.windowStartMs)} `}window of device ${JSON.stringify(key.deviceId)} sensor ${JSON.stringify(key.sensorId)} ending ${new Date(key.windowEndMs).toISOString()} ` +
      `was written by ${name(existing)}; ${name(writer)} may not overwrite it (two aggregations of the same windows would each replace the other's counts). ` +
      `Nothing was written. Aggregate each source into its own database, or continue the same checkpoint.`,
    "WriteConflict",
  );
}
