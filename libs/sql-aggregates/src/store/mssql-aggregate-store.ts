import type { OperationOptions } from "@fleetscore/contracts";
import type * as Mssql from "mssql";
import type { WindowAggregateRecord } from "@fleetscore/stream-windowing";
import { throwIfAborted } from "./aggregate-store-error.js";
import type { AggregatorCheckpoint, StoredDeadLetter, WindowMeanRecord } from "./aggregate-store.js";
import { describeLocation, type MssqlLocation } from "./location.js";
import { logger } from "./log.js";
import { mapMssqlError, type SqlErrorContext } from "./map-sql-error.js";
import { applyMigrations, type MigrationSession } from "./migrations.js";
import {
  MSSQL_MAX_BATCH_SIZE,
  MSSQL_MIGRATION_LOCK,
  MSSQL_MIGRATIONS_TABLE_EXISTS,
  MSSQL_READ_CHECKPOINT,
  MSSQL_RECORD_MIGRATION,
  MSSQL_SCHEMA_VERSION,
  MSSQL_UPSERT_CHECKPOINT,
  MSSQL_WINDOW_SIZES,
  MSSQL_ADD_DEAD_LETTER,
  mssqlAddWindowSizes,
  mssqlReadDeadLetters,
  mssqlFindConflict,
  mssqlMergeAggregates,
  mssqlMergeParameters,
  mssqlSelectPage,
  mssqlSelectParameters,
  type MssqlParameter,
  type MssqlParameterType,
} from "./mssql-sql.js";
import { checkBatchSize, upsertBatches, windowSizesOf, writeConflict, type PlannedWrite, type ReadColumns, type ReadPlan } from "./records.js";
import { SqlAggregateStore, type FetchPage } from "./sql-aggregate-store.js";

export interface OpenMssqlStoreOptions extends OperationOptions {
  readonly migrate: boolean;
  /** Records per MERGE (default and maximum 200). */
  readonly batchSize?: number;
  /** Overrides the URL's password. */
  readonly password?: string;
  /** Pool size (default 4). */
  readonly maxConnections?: number;
}

type MssqlModule = typeof Mssql;

interface AggregateRow {
  readonly device_id: string;
  readonly sensor_id: string;
  readonly window_start: Date;
  readonly window_end: Date;
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly stddev: number;
}

/** The mssql connection settings for a location (exported for tests; holds the password: never log it). */
export function mssqlConfig(location: MssqlLocation, options: Pick<OpenMssqlStoreOptions, "password" | "maxConnections">): Mssql.config {
  const password = options.password ?? location.password;
  return {
    server: location.host,
    port: location.port,
    database: location.database,
    ...(location.authentication === "sql"
      ? { ...(location.user !== undefined ? { user: location.user } : {}), ...(password !== undefined ? { password } : {}) }
      : { authentication: { type: "azure-active-directory-default", options: {} } }),
    connectionTimeout: location.connectTimeoutInMs,
    requestTimeout: location.requestTimeoutInMs,
    pool: { max: options.maxConnections ?? 4, min: 0, idleTimeoutMillis: 30_000 },
    options: {
      encrypt: location.encrypt,
      trustServerCertificate: location.trustServerCertificate,
      appName: "fleetscore",
      // Datetimes are UTC both ways (window times are epoch ms).
      useUTC: true,
      // SET XACT_ABORT ON: any error rolls the whole transaction back on the server, so a failed write
      // cannot leave half its batches pending in a transaction that later commits.
      abortTransactionOnError: true,
    },
  };
}

/**
 * Window aggregates in SQL Server / Azure SQL through mssql (tedious). A write is one transaction of
 * MERGE statements of up to 200 rows from a parameterised VALUES source, plus the checkpoint MERGE.
 * Written against mssql 12's documented API; it cannot run on the test machines (no SQL Server), so its
 * SQL is unit-tested and the conformance suite runs when FLEETSCORE_MSSQL_URL names a server.
 */
export class MssqlAggregateStore extends SqlAggregateStore {
  readonly dialect = "mssql" as const;
  readonly #sql: MssqlModule;
  readonly #pool: Mssql.ConnectionPool;
  readonly #batchSize: number;

  private constructor(sql: MssqlModule, pool: Mssql.ConnectionPool, location: MssqlLocation, batchSize: number) {
    super(location);
    this.#sql = sql;
    this.#pool = pool;
    this.#batchSize = batchSize;
  }

  /**
   * Connects, then migrates in a transaction holding `sp_getapplock` (or checks the version with `migrate: false`).
   * @throws AggregateStoreError `Unavailable` (naming host:port and database), `AuthenticationFailed`,
   * `InvalidLocation`, `SchemaTooNew`, `SchemaOutdated`, `MigrationFailed`.
   */
  static async open(location: MssqlLocation, options: OpenMssqlStoreOptions): Promise<MssqlAggregateStore> {
    const requested = checkBatchSize(options.batchSize ?? MSSQL_MAX_BATCH_SIZE);
    // Loaded here: SQLite and PostgreSQL users never load mssql (and tedious).
    // mssql is CommonJS: its exports arrive as the namespace's default (and, depending on the loader, as named exports too).
    const imported = (await import("mssql")) as unknown as MssqlModule & { default?: MssqlModule };
    const sql = imported.default ?? imported;
    const where = describeLocation(location);
    const pool = new sql.ConnectionPool(mssqlConfig(location, options));
    // Errors of idle connections surface here; without a listener they would crash the process.
    pool.on("error", (e: Error) => logger.warning("SQL Server connection failed; the pool replaces it", { where, error: e.message }));
    const store = new MssqlAggregateStore(sql, pool, location, Math.min(requested, MSSQL_MAX_BATCH_SIZE));
    try {
      throwIfAborted(options.abortSignal);
      await pool.connect();
      await store.#migrate(options.migrate);
      return store;
    } catch (e) {
      await pool.close().catch(() => undefined);
      throw mapMssqlError(e, { where, activity: options.migrate ? "opening and migrating" : "opening", fallback: "MigrationFailed" });
    }
  }

  #type(type: MssqlParameterType): Mssql.ISqlType {
    const sql = this.#sql;
    switch (type) {
      case "id":
        return sql.NVarChar(64);
      case "checkpointName":
        return sql.NVarChar(256);
      case "text":
        return sql.NVarChar(sql.MAX);
      case "time":
        return sql.DateTime2(3);
      case "int":
        return sql.Int();
      case "bigint":
        return sql.BigInt();
      case "float":
        return sql.Float();
    }
  }

  #request(parent: Mssql.ConnectionPool | Mssql.Transaction, parameters: readonly MssqlParameter[] = []): Mssql.Request {
    const request = parent instanceof this.#sql.Transaction ? new this.#sql.Request(parent) : new this.#sql.Request(parent as Mssql.ConnectionPool);
    for (const p of parameters) request.input(p.name, this.#type(p.type), p.value);
    return request;
  }

  async #migrate(migrate: boolean): Promise<number> {
    let transaction: Mssql.Transaction | undefined;
    const session: MigrationSession = {
      begin: async () => {
        transaction = new this.#sql.Transaction(this.#pool);
        await transaction.begin();
        // Held until COMMIT / ROLLBACK: a second opener waits here, then finds the migrations applied.
        await this.#request(transaction).batch(MSSQL_MIGRATION_LOCK);
      },
      // DDL goes as a plain batch (no sp_executesql).
      run: async (statement) => void (await this.#request(transaction!).batch(statement)),
      version: () => this.#version(transaction ?? this.#pool),
      recordApplied: async (m) =>
        void (await this.#request(transaction!, [
          { name: "version", type: "int", value: m.version },
          { name: "name", type: "checkpointName", value: m.name },
        ]).query(MSSQL_RECORD_MIGRATION)),
      commit: async () => transaction!.commit(),
      rollback: async () => {
        // With XACT_ABORT the server may have rolled back already; mssql then refuses a second rollback.
        await transaction?.rollback().catch(() => undefined);
      },
    };
    return applyMigrations("mssql", session, { migrate, where: this.where });
  }

  async #version(parent: Mssql.ConnectionPool | Mssql.Transaction): Promise<number> {
    const exists = await this.#request(parent).query<{ present: number }>(MSSQL_MIGRATIONS_TABLE_EXISTS);
    if (exists.recordset[0]?.present !== 1) return 0;
    const result = await this.#request(parent).query<{ version: number }>(MSSQL_SCHEMA_VERSION);
    return result.recordset[0]?.version ?? 0;
  }

  protected mapError(e: unknown, context: SqlErrorContext): Error {
    return mapMssqlError(e, context);
  }

  protected async writePlanned({ aggregates, checkpoint, deadLetters, abortSignal }: PlannedWrite): Promise<void> {
    const transaction = new this.#sql.Transaction(this.#pool);
    let begun = false;
    try {
      await transaction.begin();
      begun = true;
      for (const batch of upsertBatches(aggregates, this.#batchSize, abortSignal)) {
        const parameters = mssqlMergeParameters(batch, checkpoint?.name ?? null);
        const merged = await this.#request(transaction, parameters).query(mssqlMergeAggregates(batch.length));
        if ((merged.rowsAffected[0] ?? 0) < batch.length) {
          const found = await this.#request(transaction, parameters).query<{ device_id: string; sensor_id: string; window_start: Date; window_end: Date; checkpoint_name: string | null }>(
            mssqlFindConflict(batch.length),
          );
          const row = found.recordset[0];
          const key = row ? { deviceId: row.device_id, sensorId: row.sensor_id, windowStartMs: row.window_start.getTime(), windowEndMs: row.window_end.getTime() } : batch[0]!;
          throw writeConflict(this.where, key, row?.checkpoint_name ?? null, checkpoint?.name);
        }
      }
      const sizes = windowSizesOf(aggregates);
      if (sizes.length > 0) {
        await this.#request(transaction, sizes.map((value, i) => ({ name: `w${i}`, type: "bigint" as const, value }))).query(mssqlAddWindowSizes(sizes.length));
      }
      for (const d of deadLetters) {
        await this.#request(transaction, [
          { name: "checkpoint", type: "checkpointName", value: checkpoint!.name },
          { name: "sourceKey", type: "checkpointName", value: d.sourceKey },
          { name: "reason", type: "text", value: d.reason },
          { name: "body", type: "text", value: d.body },
          { name: "receivedAt", type: "time", value: new Date(d.receivedAtMs) },
        ]).query(MSSQL_ADD_DEAD_LETTER);
      }
      if (checkpoint) {
        await this.#request(transaction, [
          { name: "name", type: "checkpointName", value: checkpoint.name },
          { name: "position", type: "text", value: checkpoint.position },
          { name: "state", type: "text", value: checkpoint.state },
        ]).query(MSSQL_UPSERT_CHECKPOINT);
      }
      throwIfAborted(abortSignal);
      begun = false;
      await transaction.commit();
    } catch (e) {
      if (begun) await transaction.rollback().catch(() => undefined);
      throw e;
    }
  }

  protected async selectCheckpoint(name: string): Promise<AggregatorCheckpoint | undefined> {
    const result = await this.#request(this.#pool, [{ name: "name", type: "checkpointName", value: name }]).query<AggregatorCheckpoint>(MSSQL_READ_CHECKPOINT);
    return result.recordset[0];
  }

  protected pageQuery(plan: ReadPlan, columns: ReadColumns): FetchPage {
    return async (last, windowMs) => {
      const result = await this.#request(this.#pool, mssqlSelectParameters(plan, last, windowMs)).query<AggregateRow>(mssqlSelectPage(last === undefined, plan.models !== undefined, columns));
      if (columns === "means") return result.recordset.map((r): WindowMeanRecord => ({ deviceId: r.device_id, sensorId: r.sensor_id, windowEndMs: r.window_end.getTime(), mean: r.mean }));
      return result.recordset.map(
        (r): WindowAggregateRecord => ({
          deviceId: r.device_id,
          sensorId: r.sensor_id,
          windowStartMs: r.window_start.getTime(),
          windowEndMs: r.window_end.getTime(),
          count: r.count,
          mean: r.mean,
          min: r.min,
          max: r.max,
          stddev: r.stddev,
        }),
      );
    };
  }

  protected async selectDeadLetters(checkpointName: string | undefined, limit: number): Promise<StoredDeadLetter[]> {
    const parameters: MssqlParameter[] = [{ name: "limit", type: "int", value: limit }];
    if (checkpointName !== undefined) parameters.push({ name: "checkpoint", type: "checkpointName", value: checkpointName });
    const result = await this.#request(this.#pool, parameters).query<{ checkpoint_name: string; source_key: string; reason: string; body: string; received_at: Date }>(
      mssqlReadDeadLetters(checkpointName !== undefined),
    );
    return result.recordset.map((r) => ({ checkpointName: r.checkpoint_name, sourceKey: r.source_key, reason: r.reason, body: r.body, receivedAtMs: r.received_at.getTime() }));
  }

  protected async selectWindowSizes(): Promise<number[]> {
    const result = await this.#request(this.#pool).query<{ window_ms: string | number }>(MSSQL_WINDOW_SIZES);
    return result.recordset.map((r) => Number(r.window_ms));
  }

  protected selectSchemaVersion(): Promise<number> {
    return this.#version(this.#pool);
  }

  protected async closeConnections(): Promise<void> {
    await this.#pool.close();
  }
}
