import { describe, expect, it } from "vitest";
import { AggregateStoreError } from "./aggregate-store-error.js";
import { mapMssqlError, mapPostgresError, mapSqliteError, type SqlErrorContext } from "./map-sql-error.js";

const pgContext: SqlErrorContext = { where: 'PostgreSQL at 10.0.0.5:5432 (database "agg")', activity: "writing 10 aggregates", fallback: "WriteFailed" };
const msContext: SqlErrorContext = { where: 'SQL Server at sql:1433 (database "agg")', activity: "reading aggregates", fallback: "ReadFailed" };
const liteContext: SqlErrorContext = { where: 'SQLite database "a.db"', activity: "writing 10 aggregates", fallback: "WriteFailed" };

const err = (message: string, fields: Record<string, unknown>): Error => Object.assign(new Error(message), fields);
const codeOf = (e: Error): string | undefined => (e as { code?: string }).code;

/** One table row's check, the same for every dialect: the code it maps to, and the database named in the message. */
const mapsTo =
  (map: (e: unknown, context: SqlErrorContext) => Error, context: SqlErrorContext, named: string) =>
  (_: string, e: Error, code: string): void => {
    const mapped = map(e, context);
    expect(codeOf(mapped)).toBe(code);
    expect(mapped.message).toContain(named);
  };

describe("mapPostgresError", () => {
  it.each([
    ["connection refused", err("connect ECONNREFUSED 10.0.0.5:5432", { code: "ECONNREFUSED" }), "Unavailable"],
    ["connection reset", err("read ECONNRESET", { code: "ECONNRESET" }), "Unavailable"],
    ["admin shutdown", err("terminating connection due to administrator command", { code: "57P01", severity: "FATAL" }), "Unavailable"],
    ["crash shutdown", err("terminating connection because of crash of another server process", { code: "57P02" }), "Unavailable"],
    ["starting up", err("the database system is starting up", { code: "57P03" }), "Unavailable"],
    ["connection failure", err("connection failure", { code: "08006" }), "Unavailable"],
    ["too many connections", err("sorry, too many clients already", { code: "53300" }), "Unavailable"],
    ["terminated (no code)", new Error("Connection terminated unexpectedly"), "Unavailable"],
    ["not queryable", new Error("Client has encountered a connection error and is not queryable"), "Unavailable"],
    ["pool timeout", new Error("timeout exceeded when trying to connect"), "Unavailable"],
    ["both addresses of localhost", Object.assign(new AggregateError([err("connect ECONNREFUSED ::1:5432", { code: "ECONNREFUSED" })], ""), {}), "Unavailable"],
    ["wrong password", err('password authentication failed for user "app"', { code: "28P01" }), "AuthenticationFailed"],
    ["no such database", err('database "agg" does not exist', { code: "3D000" }), "InvalidLocation"],
    ["constraint", err("value too long for type character varying(64)", { code: "22001" }), "WriteFailed"],
    ["deadlock", err("deadlock detected", { code: "40P01" }), "WriteFailed"],
  ])("%s", (what, e, code) => {
    mapsTo(mapPostgresError, pgContext, "10.0.0.5:5432")(what, e, code);
    const mapped = mapPostgresError(e, pgContext);
    expect(mapped.name).toBe("AggregateStoreError");
    expect(mapped.message).toContain('"agg"');
    expect((mapped as Error & { cause?: unknown }).cause).toBe(e);
  });

  it("names a failed migration and leaves AbortError and AggregateStoreError alone", () => {
    const migration = Object.assign(err('relation "x" already exists', { code: "42P07" }), { migration: { version: 1, name: "first", statements: {} } });
    const mapped = mapPostgresError(migration, { ...pgContext, fallback: "MigrationFailed" });
    expect(codeOf(mapped)).toBe("MigrationFailed");
    expect(mapped.message).toContain("migration 1 (first)");
    const abort = new DOMException("aborted", "AbortError");
    expect(mapPostgresError(abort, pgContext)).toBe(abort);
    const own = new AggregateStoreError("x", "InvalidRecord");
    expect(mapPostgresError(own, pgContext)).toBe(own);
  });
});

describe("mapMssqlError", () => {
  // Shapes as mssql 12 builds them: ConnectionError / RequestError with code, RequestError.number from tedious' info.
  it.each([
    ["socket error", err("Failed to connect to sql:1433 - connect ECONNREFUSED", { name: "ConnectionError", code: "ESOCKET" }), "Unavailable"],
    ["connect timeout", err("Failed to connect to sql:1433 in 15000ms", { name: "ConnectionError", code: "ETIMEOUT" }), "Unavailable"],
    ["connection closed", err("Connection is closed.", { name: "ConnectionError", code: "ECONNCLOSED" }), "Unavailable"],
    ["Azure failover (40613)", err("Database 'agg' on server 'x' is not currently available.", { name: "RequestError", code: "EREQUEST", number: 40613 }), "Unavailable"],
    ["service busy (40501)", err("The service is currently busy.", { name: "RequestError", code: "EREQUEST", number: 40501 }), "Unavailable"],
    ["aborted transaction wrapping a socket error", err("Transaction has been aborted.", { name: "TransactionError", code: "EABORT", originalError: err("socket hang up", { code: "ESOCKET" }) }), "Unavailable"],
    ["login failed", err("Login failed for user 'app'.", { name: "ConnectionError", code: "ELOGIN" }), "AuthenticationFailed"],
    ["cannot open database (4060)", err("Cannot open database \"agg\" requested by the login.", { name: "ConnectionError", code: "ELOGIN", originalError: err("x", { number: 4060 }) }), "InvalidLocation"],
    ["SQL error", err("Invalid column name 'x'.", { name: "RequestError", code: "EREQUEST", number: 207 }), "ReadFailed"],
  ])("%s", mapsTo(mapMssqlError, msContext, "sql:1433"));
});

describe("mapSqliteError", () => {
  it.each([
    ["busy", err("database is locked", { code: "SQLITE_BUSY" }), "Unavailable"],
    ["busy snapshot", err("database is locked", { code: "SQLITE_BUSY_SNAPSHOT" }), "Unavailable"],
    ["cannot open", err("unable to open database file", { code: "SQLITE_CANTOPEN" }), "InvalidLocation"],
    ["not a database", err("file is not a database", { code: "SQLITE_NOTADB" }), "InvalidLocation"],
    ["disk full", err("database or disk is full", { code: "SQLITE_FULL" }), "WriteFailed"],
  ])("%s", mapsTo(mapSqliteError, liteContext, '"a.db"'));
});
