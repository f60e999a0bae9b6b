import { FleetscoreError, errorGuard } from "@fleetscore/contracts";

/**
 * - `InvalidLocation`: The URL is not one we can open (scheme, host, port, database, query parameter), or names no database.
 * - `Unavailable`: The database cannot be reached or went away: connection refused, reset or terminated, server shutting down or starting up, timeouts, SQLite busy beyond its timeout. Transient: retrying later may succeed.
 * - `AuthenticationFailed`: The server refused the credentials (wrong user or password, no login for this database).
 * - `SchemaTooNew`: The database's schema is newer than this code knows: upgrade the code, never the other way round.
 * - `SchemaOutdated`: The schema lacks migrations this code needs and the store was opened with `migrate: false`.
 * - `MigrationFailed`: Applying a migration failed (the transaction was rolled back; the schema is unchanged).
 * - `InvalidRecord`: A record or the checkpoint is not valid (NaN, bad id, time out of range ...); nothing was written.
 * - `InvalidArgument`: A read option is not valid (NaN range bound, page size that is not a positive integer ...).
 * - `WriteConflict`: A window to write was written by another aggregation (another checkpoint, or none): two aggregations of the same windows would each overwrite the other's counts. The transaction was rolled back.
 * - `AmbiguousWindowSize`: A read without a window size met a database holding windows of several sizes (say 1m and 5s): their means are not comparable, so the reader must choose one (`windowMs`).
 * - `WriteFailed`: The database refused the write; the transaction was rolled back (neither aggregates nor checkpoint changed).
 * - `ReadFailed`: The database refused a read.
 * - `Closed`: The store was closed.
 */
export type AggregateStoreErrorCode = "InvalidLocation" | "Unavailable" | "AuthenticationFailed" | "SchemaTooNew" | "SchemaOutdated" | "MigrationFailed" | "InvalidRecord" | "InvalidArgument" | "WriteConflict" | "AmbiguousWindowSize" | "WriteFailed" | "ReadFailed" | "Closed";

/** What went wrong in an AggregateStore, with a `code` to act on; the driver's error is the `cause`. */
export class AggregateStoreError extends FleetscoreError<AggregateStoreErrorCode> {}

export const isAggregateStoreError = errorGuard(AggregateStoreError);

export { isAbortError, throwIfAborted } from "@fleetscore/contracts";
