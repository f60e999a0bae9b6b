import type { OperationOptions } from "@fleetscore/contracts";
import type { WindowAggregateRecord } from "@fleetscore/stream-windowing";
import { AggregateStoreError, throwIfAborted } from "./aggregate-store-error.js";
import type { AggregateStore, AggregatorCheckpoint, ReadAggregatesOptions, ReadDeadLettersOptions, SqlDialect, StoredDeadLetter, WindowMeanRecord, WriteAggregatesOptions } from "./aggregate-store.js";
import { describeLocation, formatAggregateStoreLocation, type AggregateStoreLocation } from "./location.js";
import type { SqlErrorContext } from "./map-sql-error.js";
import { checkCheckpointName, keysetPages, planRead, planReadDeadLetters, planWrite, type PlannedWrite, type ReadColumns, type ReadPlan } from "./records.js";

/**
 * One read's page query: the page after `last` (undefined: the first page) of windows of `windowMs`, with the
 * read's columns (a {@link WindowAggregateRecord} each for "all", a {@link WindowMeanRecord} for "means").
 */
export type FetchPage = (last: WindowMeanRecord | undefined, windowMs: number) => Promise<readonly WindowMeanRecord[]> | readonly WindowMeanRecord[];

/**
 * What every SQL aggregate store does the same way, whatever the dialect: the checks before a write or a
 * read, keyset paging, "closed" and abort handling, and mapping driver errors with the activity that failed.
 * A dialect implements only its queries (`writePlanned`, `select*`, `fetchPage`), each of which may throw
 * its driver's errors: `mapError` turns them into AggregateStoreErrors here.
 */
export abstract class SqlAggregateStore implements AggregateStore {
  abstract readonly dialect: SqlDialect;
  readonly location: string;
  /** The database as messages name it (no password). */
  protected readonly where: string;
  #closed = false;

  protected constructor(location: AggregateStoreLocation) {
    this.location = formatAggregateStoreLocation(location);
    this.where = describeLocation(location);
  }

  /** The dialect's driver error as an AggregateStoreError (an AggregateStoreError or AbortError passes untouched). */
  protected abstract mapError(e: unknown, context: SqlErrorContext): Error;
  /** Writes a checked, non-empty write in one transaction, rolling back on any failure. */
  protected abstract writePlanned(write: PlannedWrite): Promise<void>;
  protected abstract selectCheckpoint(name: string): Promise<AggregatorCheckpoint | undefined> | AggregatorCheckpoint | undefined;
  /** The page query of one read (anything that depends only on the plan is worked out once, here). */
  protected abstract pageQuery(plan: ReadPlan, columns: ReadColumns): FetchPage;
  protected abstract selectDeadLetters(checkpointName: string | undefined, limit: number): Promise<StoredDeadLetter[]> | StoredDeadLetter[];
  protected abstract selectWindowSizes(): Promise<number[]> | number[];
  protected abstract selectSchemaVersion(): Promise<number> | number;
  protected abstract closeConnections(): Promise<void> | void;

  protected assertOpen(): void {
    if (this.#closed) throw new AggregateStoreError(`${this.where} is closed`, "Closed");
  }

  /** Runs one read query, its driver errors mapped to `ReadFailed` (or a better code) naming `activity`. */
  async #reading<T>(activity: string, query: () => Promise<T> | T): Promise<T> {
    try {
      return await query();
    } catch (e) {
      throw this.mapError(e, { where: this.where, activity, fallback: "ReadFailed" });
    }
  }

  #ready(abortSignal: AbortSignal | undefined): void {
    this.assertOpen();
    throwIfAborted(abortSignal);
  }

  async write(aggregates: readonly WindowAggregateRecord[], options: WriteAggregatesOptions = {}): Promise<void> {
    this.assertOpen();
    const planned = planWrite(aggregates, options, this.where);
    if (planned === undefined) return;
    try {
      await this.writePlanned(planned);
    } catch (e) {
      throw this.mapError(e, planned.context);
    }
  }

  async readCheckpoint(name: string, options: OperationOptions = {}): Promise<AggregatorCheckpoint | undefined> {
    this.#ready(options.abortSignal);
    checkCheckpointName(name);
    const row = await this.#reading(`reading checkpoint ${JSON.stringify(name)}`, () => this.selectCheckpoint(name));
    return row ? { name: row.name, position: row.position, state: row.state } : undefined;
  }

  read(options: ReadAggregatesOptions): AsyncIterable<readonly WindowAggregateRecord[]> {
    // pageQuery(plan, "all") returns whole records.
    return this.#pages(options, "all") as AsyncIterable<readonly WindowAggregateRecord[]>;
  }

  readMeans(options: ReadAggregatesOptions): AsyncIterable<readonly WindowMeanRecord[]> {
    return this.#pages(options, "means");
  }

  #pages(options: ReadAggregatesOptions, columns: ReadColumns): AsyncIterable<readonly WindowMeanRecord[]> {
    const plan = planRead(options);
    const fetchPage = this.pageQuery(plan, columns);
    const page = (last: WindowMeanRecord | undefined, windowMs: number) => this.#reading("reading aggregates", () => fetchPage(last, windowMs));
    return keysetPages(plan, this.where, () => this.windowSizes(), page, () => this.assertOpen(), options.abortSignal);
  }

  async readDeadLetters(options: ReadDeadLettersOptions = {}): Promise<StoredDeadLetter[]> {
    this.#ready(options.abortSignal);
    const { checkpointName, limit } = planReadDeadLetters(options);
    return this.#reading("reading dead letters", () => this.selectDeadLetters(checkpointName, limit));
  }

  async windowSizes(options: OperationOptions = {}): Promise<number[]> {
    this.#ready(options.abortSignal);
    return this.#reading("reading the window sizes", () => this.selectWindowSizes());
  }

  async schemaVersion(options: OperationOptions = {}): Promise<number> {
    this.#ready(options.abortSignal);
    return this.#reading("reading the schema version", () => this.selectSchemaVersion());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.closeConnections();
  }
}
