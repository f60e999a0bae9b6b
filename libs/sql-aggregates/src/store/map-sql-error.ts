import { AggregateStoreError, isAbortError, isAggregateStoreError, type AggregateStoreErrorCode } from "./aggregate-store-error.js";
import { failedMigration } from "./migrations.js";

/** What a mapping needs to say where and what: never a URL with a password, never a connection config. */
export interface SqlErrorContext {
  /** `PostgreSQL at 127.0.0.1:5432 (database "fleetscore")`, `SQLite database "x.db"`. */
  readonly where: string;
  /** What the store was doing: `opening`, `writing 1200 aggregates`, `reading aggregates` ... */
  readonly activity: string;
  /** The code of an error that is not about availability, credentials or location. */
  readonly fallback: AggregateStoreErrorCode;
}

/** Socket-level failures from Node (and drivers that pass them on). */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EPIPE",
]);

/** PostgreSQL SQLSTATEs that mean "not now": the server is going away, starting, or out of connections. */
const PG_UNAVAILABLE = new Set(["57P01", "57P02", "57P03", "57P05", "53300", "58030"]);
const PG_UNAVAILABLE_MESSAGES = [/connection terminated/i, /not queryable/i, /timeout exceeded when trying to connect/i, /connection ended/i, /server closed the connection/i];

/** mssql / tedious codes for a connection that failed, closed or timed out. */
const MSSQL_UNAVAILABLE = new Set(["ESOCKET", "ETIMEOUT", "ECONNCLOSED", "ENOTOPEN", "EINSTLOOKUP", "ECONNRESET"]);
/**
 * SQL Server / Azure SQL error numbers Microsoft documents as transient (retry later): database or service
 * busy, failover, resource limits, network errors reported by the server.
 */
const MSSQL_TRANSIENT_NUMBERS = new Set([
  233, 64, 10053, 10054, 10060, 10928, 10929, 40143, 40197, 40501, 40540, 40613, 42108, 42109, 49918, 49919, 49920, 4221, 615, 926,
]);

interface DriverFields {
  readonly codes: readonly string[];
  readonly numbers: readonly number[];
  readonly messages: readonly string[];
}

/** Collects `code`, `number` and `message` from an error and what it wraps (originalError, cause), a few levels deep. */
function fieldsOf(e: unknown): DriverFields {
  const codes: string[] = [];
  const numbers: number[] = [];
  const messages: string[] = [];
  let current: unknown = e;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const { code, number, message, errno } = current as { code?: unknown; number?: unknown; message?: unknown; errno?: unknown };
    if (typeof code === "string") codes.push(code);
    if (typeof number === "number") numbers.push(number);
    if (typeof errno === "string") codes.push(errno);
    if (typeof message === "string") messages.push(message);
    const inner = current as { originalError?: unknown; cause?: unknown; errors?: unknown };
    // AggregateError (e.g. connect to "localhost" trying ::1 and 127.0.0.1) holds the real errors.
    if (Array.isArray(inner.errors) && inner.errors.length > 0) current = inner.errors[0];
    else current = inner.originalError ?? inner.cause;
  }
  return { codes, numbers, messages };
}

function short(message: string | undefined): string {
  if (!message) return "";
  const line = message.split("\n")[0]!.trim();
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

function detailOf(fields: DriverFields, e: unknown): string {
  const code = fields.codes[0] ?? (fields.numbers[0] !== undefined ? String(fields.numbers[0]) : undefined);
  const message = short(fields.messages[0]);
  if (code && message) return message.includes(code) ? message : `${code}: ${message}`;
  return code ?? (message || (e instanceof Error ? e.name : String(e)));
}

function unavailable(context: SqlErrorContext, detail: string, e: unknown): AggregateStoreError {
  return new AggregateStoreError(
    `${context.where} is unavailable while ${context.activity} (${detail}); is the server running and reachable? Retry later.`,
    "Unavailable",
    { cause: e },
  );
}

function fallback(context: SqlErrorContext, detail: string, e: unknown): AggregateStoreError {
  const migration = failedMigration(e);
  if (migration) {
    return new AggregateStoreError(
      `${context.where}: migration ${migration.version} (${migration.name}) failed and was rolled back (${detail})`,
      "MigrationFailed",
      { cause: e },
    );
  }
  return new AggregateStoreError(`${context.where}: ${context.activity} failed (${detail})`, context.fallback, { cause: e });
}

/**
 * Turns whatever node-postgres threw into an AggregateStoreError (the original as `cause`): network codes,
 * SQLSTATE class 08 and 57P01/57P02/57P03 (shutdown, crash, starting up) and pool / client "connection
 * terminated" errors are `Unavailable`; 28000/28P01 `AuthenticationFailed`; 3D000 (no such database)
 * `InvalidLocation`. An AbortError or AggregateStoreError is returned unchanged.
 */
export function mapPostgresError(e: unknown, context: SqlErrorContext): Error {
  if (isAbortError(e) || isAggregateStoreError(e)) return e;
  const fields = fieldsOf(e);
  const detail = detailOf(fields, e);
  if (
    fields.codes.some((c) => NETWORK_CODES.has(c) || PG_UNAVAILABLE.has(c) || /^08...$/.test(c)) ||
    (fields.codes.every((c) => !/^[0-9A-Z]{5}$/.test(c)) && fields.messages.some((m) => PG_UNAVAILABLE_MESSAGES.some((re) => re.test(m))))
  ) {
    return unavailable(context, detail, e);
  }
  if (fields.codes.includes("28P01") || fields.codes.includes("28000")) {
    return new AggregateStoreError(`${context.where} refused the credentials while ${context.activity} (${detail}); check the user and password`, "AuthenticationFailed", { cause: e });
  }
  if (fields.codes.includes("3D000")) {
    return new AggregateStoreError(`${context.where}: the database does not exist (${detail}); create it first`, "InvalidLocation", { cause: e });
  }
  return fallback(context, detail, e);
}

/**
 * Turns whatever mssql / tedious threw into an AggregateStoreError: ESOCKET, ETIMEOUT, ECONNCLOSED,
 * ENOTOPEN, network codes and Azure SQL's documented transient error numbers (40613, 40501, 10928 ...) are
 * `Unavailable`; ELOGIN and 18456 `AuthenticationFailed`; 4060 (cannot open database) `InvalidLocation`.
 */
export function mapMssqlError(e: unknown, context: SqlErrorContext): Error {
  if (isAbortError(e) || isAggregateStoreError(e)) return e;
  const fields = fieldsOf(e);
  const detail = detailOf(fields, e);
  if (fields.numbers.includes(4060)) {
    return new AggregateStoreError(`${context.where}: cannot open the database (${detail}); does it exist and may this login use it?`, "InvalidLocation", { cause: e });
  }
  if (fields.codes.includes("ELOGIN") || fields.numbers.includes(18456)) {
    return new AggregateStoreError(`${context.where} refused the credentials while ${context.activity} (${detail}); check the user and password`, "AuthenticationFailed", { cause: e });
  }
  if (fields.codes.some((c) => MSSQL_UNAVAILABLE.has(c) || NETWORK_CODES.has(c)) || fields.numbers.some((n) => MSSQL_TRANSIENT_NUMBERS.has(n))) {
    return unavailable(context, detail, e);
  }
  return fallback(context, detail, e);
}

/**
 * Turns a better-sqlite3 error into an AggregateStoreError: SQLITE_BUSY / SQLITE_LOCKED (another
 * connection held the lock beyond the busy timeout) are `Unavailable`; SQLITE_CANTOPEN, SQLITE_NOTADB,
 * SQLITE_CORRUPT and SQLITE_PERM `InvalidLocation` (a connection closed under a statement: the store's `Closed`).
 */
export function mapSqliteError(e: unknown, context: SqlErrorContext): Error {
  if (isAbortError(e) || isAggregateStoreError(e)) return e;
  const fields = fieldsOf(e);
  const detail = detailOf(fields, e);
  const code = fields.codes.find((c) => c.startsWith("SQLITE_")) ?? "";
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return unavailable(context, detail, e);
  if (/^SQLITE_(CANTOPEN|NOTADB|CORRUPT|PERM|AUTH)/.test(code)) {
    return new AggregateStoreError(`${context.where} cannot be used while ${context.activity} (${detail}); check the path, its folder and permissions`, "InvalidLocation", { cause: e });
  }
  return fallback(context, detail, e);
}
