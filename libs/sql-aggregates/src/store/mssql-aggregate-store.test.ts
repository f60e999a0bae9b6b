import { describe, expect, it } from "vitest";
import { describeAggregateStore } from "../testing/describe-aggregate-store.js";
import { freePort } from "../testing/test-postgres.js";
import { parseAggregateStoreUrl, type MssqlLocation } from "./location.js";
import { mssqlConfig } from "./mssql-aggregate-store.js";
import {
  MSSQL_MAX_BATCH_SIZE,
  MSSQL_MIGRATION_LOCK,
  MSSQL_UPSERT_CHECKPOINT,
  mssqlAddWindowSizes,
  mssqlFindConflict,
  mssqlMergeAggregates,
  mssqlMergeParameters,
  mssqlSelectPage,
  mssqlSelectParameters,
} from "./mssql-sql.js";
import { openAggregateStore } from "./open-aggregate-store.js";
import { planRead } from "./records.js";

/**
 * A SQL Server or Azure SQL database to run the conformance suite on, e.g.
 * `mssql://sa:<password>@127.0.0.1:1433/master?trustServerCertificate=true`. The suite creates one
 * database per case next to the one the URL names (the login needs CREATE DATABASE), and drops nothing.
 */
const mssqlUrl = process.env["FLEETSCORE_MSSQL_URL"];

describe.skipIf(!mssqlUrl)("SQL Server (FLEETSCORE_MSSQL_URL)", () => {
  const created = new Map<string, Promise<string>>();
  async function database(name: string): Promise<string> {
    let url = created.get(name);
    if (!url) {
      url = (async () => {
        const { default: sql } = await import("mssql");
        const location = parseAggregateStoreUrl(mssqlUrl!) as MssqlLocation;
        const pool = await new sql.ConnectionPool(mssqlConfig(location, {})).connect();
        try {
          await pool.request().batch(`IF DB_ID(N'${name}') IS NULL CREATE DATABASE [${name}]`);
        } finally {
          await pool.close();
        }
        const target = new URL(mssqlUrl!);
        target.pathname = `/${name}`;
        return target.href;
      })();
      created.set(name, url);
    }
    return url;
  }
  describeAggregateStore("mssql", async (name, options) => openAggregateStore(await database(name), options), {
    framework: { describe, it, expect },
    volume: 20_000,
    volumeTimeoutInMs: 300_000,
  });
});

describe("MssqlAggregateStore without a server", () => {
  it("loads mssql and reports a closed port as Unavailable, naming host:port and database, not the password", async () => {
    const port = await freePort();
    let err: (Error & { code?: string }) | undefined;
    try {
      await openAggregateStore(`mssql://sa:Str0ng-s3cret@127.0.0.1:${port}/fleet?encrypt=false&connectTimeout=3000`);
    } catch (e) {
      err = e as Error & { code?: string };
    }
    expect(err?.name).toBe("AggregateStoreError");
    expect(err?.code).toBe("Unavailable");
    expect(err?.message).toContain(`127.0.0.1:${port}`);
    expect(err?.message).toContain('"fleet"');
    expect(err?.message).not.toContain("Str0ng-s3cret");
  });

  it("builds the mssql config from the URL (encrypt, certificate, timeouts, password override)", () => {
    const location = parseAggregateStoreUrl("mssql://app:from-url@sql.example.net:1444/fleet?trustServerCertificate=true&requestTimeout=90000") as MssqlLocation;
    expect(mssqlConfig(location, { password: "from-options", maxConnections: 2 })).toMatchObject({
      server: "sql.example.net",
      port: 1444,
      database: "fleet",
      user: "app",
      password: "from-options",
      requestTimeout: 90_000,
      connectionTimeout: 15_000,
      pool: { max: 2 },
      options: { encrypt: true, trustServerCertificate: true, useUTC: true, abortTransactionOnError: true },
    });
    expect(mssqlConfig(location, {}).password).toBe("from-url");
    const aad = mssqlConfig(parseAggregateStoreUrl("mssql://x.database.windows.net/fleet?authentication=azure-active-directory-default") as MssqlLocation, {});
    expect(aad.authentication).toEqual({ type: "azure-active-directory-default", options: {} });
    expect(aad.user).toBe(undefined);
  });
});

describe("SQL Server statements", () => {
  it("MERGEs a batch from a typed VALUES source on the natural key, under HOLDLOCK", () => {
    const sql = mssqlMergeAggregates(2);
    expect(sql).toBe(`MERGE window_aggregates WITH (HOLDLOCK) AS t
USING (VALUES (@d0, @s0, @a0, @e0, @c0, @m0, @l0, @h0, @v0),
  (@d1, @s1, @a1, @e1, @c1, @m1, @l1, @h1, @v1)) AS s (device_id, sensor_id, window_start, window_end, [count], mean, [min], [max], stddev)
ON t.window_end = s.window_end AND t.device_id = s.device_id AND t.sensor_id = s.sensor_id AND t.window_start = s.window_start
WHEN MATCHED AND (t.checkpoint_name IS NULL OR t.checkpoint_name = @writer) THEN UPDATE SET [count] = s.[count], mean = s.mean, [min] = s.[min], [max] = s.[max], stddev = s.stddev, checkpoint_name = @writer
WHEN NOT MATCHED THEN INSERT (device_id, sensor_id, window_start, window_end, [count], mean, [min], [max], stddev, checkpoint_name) VALUES (s.device_id, s.sensor_id, s.window_start, s.window_end, s.[count], s.mean, s.[min], s.[max], s.stddev, @writer);`);
    const full = mssqlMergeAggregates(MSSQL_MAX_BATCH_SIZE);
    expect(full.match(/@[a-z]\d+/g)?.length).toBe(9 * MSSQL_MAX_BATCH_SIZE);
    expect(9 * MSSQL_MAX_BATCH_SIZE < 2100, "within SQL Server's 2,100 parameters").toBe(true);
    expect(() => mssqlMergeAggregates(0)).toThrow(RangeError);
    expect(() => mssqlMergeAggregates(MSSQL_MAX_BATCH_SIZE + 1)).toThrow(RangeError);
  });

  it("binds every field with its type, times as UTC Dates", () => {
    const params = mssqlMergeParameters([
      { deviceId: "d1", sensorId: "s1", windowStartMs: 1_700_000_000_123, windowEndMs: 1_700_000_005_123, count: 4, mean: 0.1 + 0.2, min: -0, max: 1e-300, stddev: 2 },
    ]);
    expect(params.map((p) => [p.name, p.type])).toEqual([
      ["d0", "id"],
      ["s0", "id"],
      ["a0", "time"],
      ["e0", "time"],
      ["c0", "int"],
      ["m0", "float"],
      ["l0", "float"],
      ["h0", "float"],
      ["v0", "float"],
      ["writer", "checkpointName"],
    ]);
    expect((params[2]!.value as Date).toISOString()).toBe("2023-11-14T22:13:20.123Z");
    expect(Object.is(params[6]!.value, -0)).toBe(true);
    expect(params[5]!.value).toBe(0.30000000000000004);
  });

  it("pages in key order with TOP and a spelled-out keyset condition, filtering models through OPENJSON", () => {
    expect(mssqlSelectPage(true, false)).toBe(`SELECT TOP (@pageSize) a.device_id, a.sensor_id, a.window_start, a.window_end, a.[count], a.mean, a.[min], a.[max], a.stddev
FROM window_aggregates AS a
WHERE window_end >= @end AND window_end <= @to AND DATEDIFF_BIG(millisecond, window_start, window_end) = @windowMs
ORDER BY a.window_end, a.device_id, a.sensor_id;`);
    const next = mssqlSelectPage(false, true);
    expect(next).toContain(
      "WHERE window_end >= @end AND (window_end > @end OR (window_end = @end AND (device_id > @device OR (device_id = @device AND sensor_id > @sensor)))) AND window_end <= @to",
    );
    expect(next).toContain("OPENJSON(@models) WITH (d nvarchar(64) '$.d', s nvarchar(64) '$.s')");
    expect(next).toContain("m.d COLLATE Latin1_General_100_BIN2 = a.device_id");

    const plan = planRead({ fromMs: 1000.5, toMs: 9000, pageSize: 50, models: [{ deviceId: "d1", sensorId: "s1" }, { deviceId: "d1", sensorId: "s1" }] });
    const first = mssqlSelectParameters(plan, undefined, 5000);
    expect(first.map((p) => [p.name, p.type, p.value instanceof Date ? p.value.getTime() : p.value])).toEqual([
      ["pageSize", "int", 50],
      ["windowMs", "bigint", 5000],
      ["end", "time", 1001],
      ["to", "time", 9000],
      ["models", "text", '[{"d":"d1","s":"s1"}]'],
    ]);
    const after = mssqlSelectParameters(plan, { deviceId: "d9", sensorId: "s9", windowEndMs: 5000, mean: 0 }, 5000);
    expect(after.map((p) => p.name)).toEqual(["pageSize", "windowMs", "end", "to", "device", "sensor", "models"]);
    expect((after[2]!.value as Date).getTime()).toBe(5000);
  });

  it("keeps window sizes apart: the MERGE and the conflict lookup match on window_start, and sizes are registered once", () => {
    expect(mssqlFindConflict(1)).toContain("AS s (device_id, sensor_id, window_start, window_end)");
    expect(mssqlFindConflict(1)).toContain("AND t.window_start = s.window_start");
    expect(mssqlAddWindowSizes(2)).toBe(`INSERT INTO window_sizes (window_ms)
SELECT s.window_ms FROM (VALUES (@w0), (@w1)) AS s (window_ms)
WHERE NOT EXISTS (SELECT 1 FROM window_sizes AS t WITH (UPDLOCK, HOLDLOCK) WHERE t.window_ms = s.window_ms);`);
  });

  it("upserts the checkpoint with MERGE and takes the migration lock with sp_getapplock, failing when not granted", () => {
    expect(MSSQL_UPSERT_CHECKPOINT).toContain("MERGE aggregator_checkpoints WITH (HOLDLOCK) AS t");
    expect(MSSQL_UPSERT_CHECKPOINT).toContain("updated_at = SYSUTCDATETIME()");
    expect(MSSQL_MIGRATION_LOCK).toContain("EXEC @result = sp_getapplock @Resource = N'fleetscore_schema_migrations', @LockMode = 'Exclusive', @LockOwner = 'Transaction'");
    expect(MSSQL_MIGRATION_LOCK).toContain("IF @result < 0 THROW 50000");
  });
});
