import { describe, expect, it } from "vitest";
import { isAggregateStoreError } from "./aggregate-store-error.js";
import { describeLocation, formatAggregateStoreLocation, parseAggregateStoreUrl, redactUrl } from "./location.js";

function invalid(url: string): Error & { code?: string } {
  try {
    parseAggregateStoreUrl(url);
  } catch (e) {
    expect(isAggregateStoreError(e)).toBe(true);
    return e as Error & { code?: string };
  }
  throw new Error(`expected ${url} to be refused`);
}

describe("parseAggregateStoreUrl", () => {
  it("reads SQLite file paths (relative, absolute) and :memory:", () => {
    expect(parseAggregateStoreUrl("sqlite:data/aggregates.db")).toEqual({ dialect: "sqlite", path: "data/aggregates.db", memory: false });
    expect(parseAggregateStoreUrl("sqlite:/var/lib/fleetscore/a.db")).toEqual({ dialect: "sqlite", path: "/var/lib/fleetscore/a.db", memory: false });
    expect(parseAggregateStoreUrl("SQLite:./x y.db")).toEqual({ dialect: "sqlite", path: "./x y.db", memory: false });
    expect(parseAggregateStoreUrl("sqlite::memory:")).toEqual({ dialect: "sqlite", path: ":memory:", memory: true });
    expect(formatAggregateStoreLocation(parseAggregateStoreUrl("sqlite:data/a.db"))).toBe("sqlite:data/a.db");
    expect(describeLocation(parseAggregateStoreUrl("sqlite::memory:"))).toBe("SQLite in-memory database");
  });

  it("reads PostgreSQL URLs with defaults and percent-decoding", () => {
    expect(parseAggregateStoreUrl("postgres://app:p%40ss%2Fw0rd@db.example.com:6543/fleet%20score")).toEqual({
      dialect: "postgres",
      host: "db.example.com",
      port: 6543,
      user: "app",
      password: "p@ss/w0rd",
      database: "fleet score",
      sslMode: "disable",
      applicationName: "fleetscore",
      connectTimeoutInMs: 10_000,
    });
    const minimal = parseAggregateStoreUrl("postgresql://localhost/agg");
    expect(minimal).toMatchObject({ dialect: "postgres", host: "localhost", port: 5432, database: "agg" });
    expect("user" in minimal || "password" in minimal).toBe(false);
    expect(parseAggregateStoreUrl("postgres://u@[::1]:5433/agg?sslmode=require&application_name=agg1&connect_timeout=3")).toMatchObject({
      host: "::1",
      port: 5433,
      sslMode: "require",
      applicationName: "agg1",
      connectTimeoutInMs: 3000,
    });
    expect(parseAggregateStoreUrl("postgres://u@h/d?sslmode=verify-ca")).toMatchObject({ sslMode: "verify-full" });
    expect(parseAggregateStoreUrl("postgres://u@h/d?sslmode=prefer")).toMatchObject({ sslMode: "disable" });
  });

  it("reads SQL Server URLs: encrypt by default, parameters case-insensitive", () => {
    expect(parseAggregateStoreUrl("mssql://sa:Secret!1@sql.example.net/fleet")).toEqual({
      dialect: "mssql",
      host: "sql.example.net",
      port: 1433,
      user: "sa",
      password: "Secret!1",
      database: "fleet",
      encrypt: true,
      trustServerCertificate: false,
      authentication: "sql",
      connectTimeoutInMs: 15_000,
      requestTimeoutInMs: 60_000,
    });
    expect(
      parseAggregateStoreUrl("sqlserver://sa@127.0.0.1:14330/db?encrypt=false&TrustServerCertificate=true&connectTimeout=5000&requestTimeout=120000"),
    ).toMatchObject({ port: 14330, encrypt: false, trustServerCertificate: true, connectTimeoutInMs: 5000, requestTimeoutInMs: 120_000 });
    expect(parseAggregateStoreUrl("mssql://x.database.windows.net/db?authentication=azure-active-directory-default")).toMatchObject({
      authentication: "azure-active-directory-default",
    });
  });

  it("formats the location without the password, keeping non-default parameters", () => {
    expect(formatAggregateStoreLocation(parseAggregateStoreUrl("postgres://app:s3cret@127.0.0.1:5432/agg"))).toBe("postgres://app@127.0.0.1:5432/agg");
    expect(formatAggregateStoreLocation(parseAggregateStoreUrl("postgresql://h/agg?sslmode=require"))).toBe("postgres://h:5432/agg?sslmode=require");
    expect(formatAggregateStoreLocation(parseAggregateStoreUrl("mssql://sa:Pw1!@[::1]/db?trustServerCertificate=true"))).toBe(
      "mssql://sa@[::1]:1433/db?encrypt=true&trustServerCertificate=true",
    );
    expect(describeLocation(parseAggregateStoreUrl("postgres://u:pw@127.0.0.1:5999/agg"))).toBe('PostgreSQL at 127.0.0.1:5999 (database "agg")');
    expect(describeLocation(parseAggregateStoreUrl("mssql://u:pw@sql:1433/agg"))).toBe('SQL Server at sql:1433 (database "agg")');
  });

  it("refuses bad URLs with InvalidLocation, naming the URL without its password and what is wrong", () => {
    const cases: [string, string][] = [
      ["", "expected sqlite:"],
      ["aggregates.db", "no scheme"],
      ["mysql://u:topsecret@h/db", 'unsupported scheme "mysql:"'],
      ["sqlite:", "file path is missing"],
      ["sqlite:///tmp/a.db", "without //"],
      ["postgres://u:topsecret@h:99999/db", "not a valid URL"],
      ["postgres://u:topsecret@h:5432", "database is missing"],
      ["postgres://u:topsecret@h:5432/a/b", "exactly one path segment"],
      ["postgres://u:topsecret@h/db?sslmode=maybe", "sslmode"],
      ["postgres://u:topsecret@h/db?connect_timeout=soon", "connect_timeout"],
      ["postgres://u:topsecret@h/db?search_path=x", 'unknown parameter "search_path"'],
      ["postgres://u@h/db?password=topsecret", "do not put the password"],
      ["mssql://u:topsecret@h/db?encrypt=perhaps", "must be true or false"],
      ["mssql://u:topsecret@h/db?authentication=ntlm", "authentication"],
      ["mssql://u:topsecret@/db", "not a valid URL"],
      ["postgres://u:topsecret@h/db#x", "fragment"],
    ];
    for (const [url, why] of cases) {
      const err = invalid(url);
      expect(err.code, url).toBe("InvalidLocation");
      expect(err.message, url).toContain(why);
      expect(err.message, url).not.toContain("topsecret");
    }
    expect(invalid("postgres://u:topsecret@h:5432").message).toContain('"postgres://u@h:5432"');
  });
});

describe("redactUrl", () => {
  // Valid and invalid URLs (a password with / ? @, a port out of range) lose the password; a password parameter is masked.
  it.each([
    ["postgres://app:s3cret@h:5432/db", "postgres://app@h:5432/db"],
    ["postgres://app@h/db", "postgres://app@h/db"],
    ["sqlite:data/a.db", "sqlite:data/a.db"],
    ["postgres://app:s3/c@r?et@h:99999/db", "postgres://app@h:99999/db"],
    ["mssql://sa:pw@h/db?password=also-secret&x=1", "mssql://sa@h/db?password=***&x=1"],
  ])("%s -> %s", (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });

  it("removes a password without a user", () => {
    expect(redactUrl("postgres://:only-password@h/db")).not.toContain("only-password");
  });
});
