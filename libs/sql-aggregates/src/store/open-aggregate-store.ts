import type { OperationOptions } from "@fleetscore/contracts";
import { throwIfAborted } from "./aggregate-store-error.js";
import type { AggregateStore } from "./aggregate-store.js";
import { describeLocation, formatAggregateStoreLocation, parseAggregateStoreUrl, type AggregateStoreLocation } from "./location.js";
import { logger } from "./log.js";

export interface OpenAggregateStoreOptions extends OperationOptions {
  /**
   * Apply pending schema migrations on open (default true). With false the store only checks the version
   * and fails with `SchemaOutdated` when migrations are pending (for deployments that migrate separately).
   */
  readonly migrate?: boolean;
  /**
   * Records per statement for PostgreSQL (default 5,000) and SQL Server (default and maximum 200: a
   * request takes at most 2,100 parameters). SQLite ignores it: one prepared statement per record is
   * fastest there. All batches of one write share its transaction.
   */
  readonly batchSize?: number;
  /**
   * The password, when it should not be part of the URL (apps read it from their secret store or
   * environment). Takes precedence over one in the URL. Never logged or shown in messages.
   */
  readonly password?: string;
  /** Connections kept by PostgreSQL and SQL Server stores (default 4). */
  readonly maxConnections?: number;
  /** SQLite: how long to wait for another connection's lock before `Unavailable` (default 10,000). */
  readonly busyTimeoutInMs?: number;
}

/**
 * Opens the aggregate store a URL names, loading only that dialect's driver:
 * `sqlite:<file path>` / `sqlite::memory:` (better-sqlite3), `postgres://user:password@host:port/database`
 * (pg), `mssql://user:password@host:port/database?encrypt=true` (mssql); see `parseAggregateStoreUrl`
 * for every accepted parameter. Applies pending migrations unless `migrate: false`.
 *
 * The store's `location` is the URL without its password.
 * @throws AggregateStoreError `InvalidLocation` (bad URL, missing database, unusable file), `Unavailable`
 * (cannot connect: names host:port and database), `AuthenticationFailed`, `SchemaTooNew`,
 * `SchemaOutdated`, `MigrationFailed`; an `AbortError` when `abortSignal` fired before the store opened.
 */
export async function openAggregateStore(url: string | AggregateStoreLocation, options: OpenAggregateStoreOptions = {}): Promise<AggregateStore> {
  const location = typeof url === "string" ? parseAggregateStoreUrl(url) : url;
  throwIfAborted(options.abortSignal);
  const migrate = options.migrate ?? true;
  let store: AggregateStore;
  switch (location.dialect) {
    case "sqlite": {
      const { SqliteAggregateStore } = await import("./sqlite-aggregate-store.js");
      store = await SqliteAggregateStore.open(location, { migrate, ...(options.busyTimeoutInMs !== undefined ? { busyTimeoutInMs: options.busyTimeoutInMs } : {}) });
      break;
    }
    case "postgres": {
      const { PostgresAggregateStore } = await import("./postgres-aggregate-store.js");
      store = await PostgresAggregateStore.open(location, { ...options, migrate });
      break;
    }
    case "mssql": {
      const { MssqlAggregateStore } = await import("./mssql-aggregate-store.js");
      store = await MssqlAggregateStore.open(location, { ...options, migrate });
      break;
    }
  }
  if (options.abortSignal?.aborted) {
    await store.close();
    throwIfAborted(options.abortSignal);
  }
  logger.info("opened aggregate store", { location: formatAggregateStoreLocation(location), dialect: location.dialect, where: describeLocation(location) });
  return store;
}
