import { AggregateStoreError } from "./aggregate-store-error.js";

/** A SQLite database file, or a private in-memory database. */
export interface SqliteLocation {
  readonly dialect: "sqlite";
  /** The file path as given (relative to the working directory, or absolute); `":memory:"` for memory. */
  readonly path: string;
  readonly memory: boolean;
}

/** How the PostgreSQL connection uses TLS (libpq's `sslmode`, reduced to what node-postgres can do). */
export type PostgresSslMode = "disable" | "require" | "verify-full";

export interface PostgresLocation {
  readonly dialect: "postgres";
  readonly host: string;
  readonly port: number;
  /** Undefined: node-postgres' default (PGUSER, else the OS user). */
  readonly user?: string;
  /** From the URL; `OpenAggregateStoreOptions.password` takes precedence. Never shown. */
  readonly password?: string;
  readonly database: string;
  readonly sslMode: PostgresSslMode;
  readonly applicationName: string;
  readonly connectTimeoutInMs: number;
}

export type MssqlAuthentication = "sql" | "azure-active-directory-default";

export interface MssqlLocation {
  readonly dialect: "mssql";
  readonly host: string;
  readonly port: number;
  readonly user?: string;
  /** From the URL; `OpenAggregateStoreOptions.password` takes precedence. Never shown. */
  readonly password?: string;
  readonly database: string;
  readonly encrypt: boolean;
  readonly trustServerCertificate: boolean;
  readonly authentication: MssqlAuthentication;
  readonly connectTimeoutInMs: number;
  readonly requestTimeoutInMs: number;
}

export type AggregateStoreLocation = SqliteLocation | PostgresLocation | MssqlLocation;

const EXPECTED =
  "expected sqlite:<file path>, sqlite::memory:, postgres://user:password@host:port/database or mssql://user:password@host:port/database?encrypt=true";

/**
 * The URL with the password of its user info removed (`postgres://app:s3cret@h/db` -> `postgres://app@h/db`),
 * for messages, and a `password=` query parameter masked. Text that is not a valid URL is redacted generously: everything from the first `:` after
 * `://` up to the last `@` goes (a password may hold unencoded `/`, `?` or `@`).
 */
export function redactUrl(text: string): string {
  const start = text.indexOf("://");
  if (start < 0) return text;
  // A password given as a query parameter (which we refuse) must not be shown either.
  text = text.replace(/([?&](?:password|pwd)=)[^&#]*/gi, "$1***");
  try {
    const url = new URL(text);
    if (url.password === "") return text;
    url.password = "";
    return url.href;
  } catch {
    // Not a URL: fall through to the generous redaction.
  }
  const authorityStart = start + 3;
  const rest = text.slice(authorityStart);
  const at = rest.lastIndexOf("@");
  if (at < 0) return text;
  const colon = rest.slice(0, at).indexOf(":");
  if (colon < 0) return text;
  return `${text.slice(0, authorityStart)}${rest.slice(0, colon)}${rest.slice(at)}`;
}

function invalid(text: string, why: string): AggregateStoreError {
  return new AggregateStoreError(`Invalid aggregate store URL ${JSON.stringify(redactUrl(text))}: ${why}`, "InvalidLocation");
}

function decode(text: string, part: string, value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw invalid(text, `the ${part} is not valid percent-encoding`);
  }
}

function booleanParam(text: string, name: string, value: string): boolean {
  if (/^(true|yes|1)$/i.test(value)) return true;
  if (/^(false|no|0)$/i.test(value)) return false;
  throw invalid(text, `parameter ${name}=${JSON.stringify(value)} must be true or false`);
}

function millisecondsParam(text: string, name: string, value: string, unit: "ms" | "s"): number {
  if (!/^\d{1,9}$/.test(value)) throw invalid(text, `parameter ${name}=${JSON.stringify(value)} must be a whole number of ${unit === "s" ? "seconds" : "milliseconds"}`);
  return unit === "s" ? Number(value) * 1000 : Number(value);
}

/** Splits a server URL into its parts, checking what every server dialect needs. */
function parseServerUrl(text: string, dialect: "postgres" | "mssql", defaultPort: number) {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(text, `not a valid URL; ${EXPECTED}`);
  }
  if (url.hostname === "") throw invalid(text, "the host is missing");
  let port = defaultPort;
  if (url.port !== "") {
    port = Number(url.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(text, `port ${url.port} is not between 1 and 65535`);
  }
  const segments = url.pathname.split("/").filter((s) => s !== "");
  if (segments.length !== 1) {
    throw invalid(text, segments.length === 0 ? "the database is missing (add /<database> after the host)" : "expected exactly one path segment, the database");
  }
  const database = decode(text, "database", segments[0]!);
  if (url.hash !== "") throw invalid(text, "a URL fragment (#...) is not allowed");
  const params = new Map<string, { name: string; value: string }>();
  for (const [name, value] of url.searchParams) {
    const key = name.toLowerCase();
    if (key === "password" || key === "pwd") {
      throw invalid(text, `do not put the password in parameter "${name}": give it as user info (user:password@host) or in the open options`);
    }
    if (params.has(key)) throw invalid(text, `parameter ${name} is given twice`);
    params.set(key, { name, value });
  }
  const user = url.username !== "" ? decode(text, "user", url.username) : undefined;
  const password = url.password !== "" ? decode(text, "password", url.password) : undefined;
  // URL keeps IPv6 brackets in hostname; drivers want the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  // The fields both server locations share, in their shape (user and password absent when not given).
  const server = { host, port, ...(user !== undefined ? { user } : {}), ...(password !== undefined ? { password } : {}), database };
  return { server, params, dialect };
}

function rejectUnknown(text: string, params: Map<string, { name: string }>, accepted: readonly string[]): void {
  for (const [key, { name }] of params) {
    if (!accepted.includes(key)) throw invalid(text, `unknown parameter "${name}"; accepted: ${accepted.join(", ")}`);
  }
}

const POSTGRES_PARAMS = ["sslmode", "application_name", "connect_timeout"];
const MSSQL_PARAMS = ["encrypt", "trustservercertificate", "authentication", "connecttimeout", "requesttimeout"];

/**
 * Reads an aggregate store URL:
 * - `sqlite:<file path>`: relative to the working directory or absolute (`sqlite:data/aggregates.db`,
 *   `sqlite:/var/lib/fleetscore/aggregates.db`); `sqlite::memory:` for a private in-memory database.
 *   `sqlite://...` is refused as ambiguous (is `sqlite:///x` relative or absolute?).
 * - `postgres://user:password@host:port/database` (or `postgresql://`; port 5432 by default). Parameters:
 *   `sslmode=disable|require|verify-full` (default disable; `prefer`/`allow` read as disable, `verify-ca` as
 *   verify-full), `application_name` (default fleetscore), `connect_timeout` in seconds (default 10).
 * - `mssql://user:password@host:port/database` (or `sqlserver://`; port 1433 by default). Parameters:
 *   `encrypt=true|false` (default true, as Azure SQL requires), `trustServerCertificate=true|false`
 *   (default false), `authentication=sql|azure-active-directory-default` (default sql: the URL's user and
 *   password; the other uses @azure/identity's DefaultAzureCredential), `connectTimeout` and
 *   `requestTimeout` in milliseconds (defaults 15,000 and 60,000). Parameter names are case-insensitive.
 *
 * User, password and database are percent-decoded. A password never appears in messages.
 * @throws AggregateStoreError `InvalidLocation`, naming the URL (without its password) and what is wrong.
 */
export function parseAggregateStoreUrl(text: string): AggregateStoreLocation {
  if (typeof text !== "string" || text.trim() === "") throw invalid(String(text), EXPECTED);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) throw invalid(text, `no scheme; ${EXPECTED}`);
  if (scheme === "sqlite") {
    const path = text.slice("sqlite:".length);
    if (path === "") throw invalid(text, "the file path is missing (sqlite:<file path>, or sqlite::memory:)");
    if (path.startsWith("//")) {
      throw invalid(text, "use sqlite:<file path> without // (sqlite:data/aggregates.db or sqlite:/absolute/path.db)");
    }
    if (path.includes("\0")) throw invalid(text, "the file path holds a NUL character");
    return { dialect: "sqlite", path, memory: path === ":memory:" };
  }
  if (scheme === "postgres" || scheme === "postgresql") {
    const parts = parseServerUrl(text, "postgres", 5432);
    rejectUnknown(text, parts.params, POSTGRES_PARAMS);
    const sslmode = parts.params.get("sslmode")?.value.toLowerCase() ?? "disable";
    const sslModes: Record<string, PostgresSslMode> = { disable: "disable", allow: "disable", prefer: "disable", require: "require", "verify-ca": "verify-full", "verify-full": "verify-full" };
    const sslMode = sslModes[sslmode];
    if (sslMode === undefined) throw invalid(text, `sslmode=${JSON.stringify(sslmode)} is not one of ${Object.keys(sslModes).join(", ")}`);
    const timeout = parts.params.get("connect_timeout");
    return {
      dialect: "postgres",
      ...parts.server,
      sslMode,
      applicationName: parts.params.get("application_name")?.value ?? "fleetscore",
      connectTimeoutInMs: timeout ? millisecondsParam(text, timeout.name, timeout.value, "s") : 10_000,
    };
  }
  if (scheme === "mssql" || scheme === "sqlserver") {
    const parts = parseServerUrl(text, "mssql", 1433);
    rejectUnknown(text, parts.params, MSSQL_PARAMS);
    const p = (key: string) => parts.params.get(key);
    const encrypt = p("encrypt");
    const trust = p("trustservercertificate");
    const auth = p("authentication");
    const connectTimeout = p("connecttimeout");
    const requestTimeout = p("requesttimeout");
    const authentication = (auth?.value ?? "sql") as MssqlAuthentication;
    if (authentication !== "sql" && authentication !== "azure-active-directory-default") {
      throw invalid(text, `authentication=${JSON.stringify(auth?.value)} is not one of sql, azure-active-directory-default`);
    }
    return {
      dialect: "mssql",
      ...parts.server,
      encrypt: encrypt ? booleanParam(text, encrypt.name, encrypt.value) : true,
      trustServerCertificate: trust ? booleanParam(text, trust.name, trust.value) : false,
      authentication,
      connectTimeoutInMs: connectTimeout ? millisecondsParam(text, connectTimeout.name, connectTimeout.value, "ms") : 15_000,
      requestTimeoutInMs: requestTimeout ? millisecondsParam(text, requestTimeout.name, requestTimeout.value, "ms") : 60_000,
    };
  }
  throw invalid(text, `unsupported scheme "${scheme}:"; ${EXPECTED}`);
}

function hostPort(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** `host:port` as messages show it (IPv6 in brackets). */
export function serverAddress(location: PostgresLocation | MssqlLocation): string {
  return hostPort(location.host, location.port);
}

/**
 * The canonical URL of a location, without the password: the store's `location`. Parameters that differ
 * from their defaults are kept so the URL still opens the same database the same way.
 */
export function formatAggregateStoreLocation(location: AggregateStoreLocation): string {
  if (location.dialect === "sqlite") return `sqlite:${location.path}`;
  const user = location.user !== undefined ? `${encodeURIComponent(location.user)}@` : "";
  const base = `${location.dialect}://${user}${hostPort(location.host, location.port)}/${encodeURIComponent(location.database)}`;
  const params = new URLSearchParams();
  if (location.dialect === "postgres") {
    if (location.sslMode !== "disable") params.set("sslmode", location.sslMode);
    if (location.applicationName !== "fleetscore") params.set("application_name", location.applicationName);
    if (location.connectTimeoutInMs !== 10_000) params.set("connect_timeout", String(location.connectTimeoutInMs / 1000));
  } else {
    params.set("encrypt", String(location.encrypt));
    if (location.trustServerCertificate) params.set("trustServerCertificate", "true");
    if (location.authentication !== "sql") params.set("authentication", location.authentication);
    if (location.connectTimeoutInMs !== 15_000) params.set("connectTimeout", String(location.connectTimeoutInMs));
    if (location.requestTimeoutInMs !== 60_000) params.set("requestTimeout", String(location.requestTimeoutInMs));
  }
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}

/** Where a message says the database is: `PostgreSQL at 127.0.0.1:5432 (database "x")`, `SQLite file x.db`. */
export function describeLocation(location: AggregateStoreLocation): string {
  if (location.dialect === "sqlite") return location.memory ? "SQLite in-memory database" : `SQLite database ${JSON.stringify(location.path)}`;
  const product = location.dialect === "postgres" ? "PostgreSQL" : "SQL Server";
  return `${product} at ${serverAddress(location)} (database ${JSON.stringify(location.database)})`;
}
