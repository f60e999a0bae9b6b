import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { makeTempDir } from "../test-fixtures/temp-dir.js";
import { describeAggregateStore } from "../testing/describe-aggregate-store.js";
import { CREATE_MIGRATIONS_TABLE, LATEST_SCHEMA_VERSION, MIGRATIONS } from "./migrations.js";
import { openAggregateStore } from "./open-aggregate-store.js";
import { failureOf } from "@fleetscore/test-support";

const dir = await makeTempDir();
afterAll(() => rm(dir, { recursive: true, force: true }));

describeAggregateStore("sqlite (temp file)", (database, options) => openAggregateStore(`sqlite:${join(dir, `${database}.db`)}`, options), {
  framework: { describe, it, expect },
});

describeAggregateStore("sqlite (:memory:)", (_database, options) => openAggregateStore("sqlite::memory:", options), {
  framework: { describe, it, expect },
  persistent: false,
});

const one = { deviceId: "d", sensorId: "s", windowStartMs: 1_000, windowEndMs: 6_000, count: 1, mean: -0, min: 0.5, max: 7, stddev: 0 };

describe("SqliteAggregateStore", () => {
  it("loads neither pg nor mssql (drivers are imported by their dialect only)", async () => {
    await (await openAggregateStore("sqlite::memory:")).close();
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    expect(loaded.some((path) => /[\\/]node_modules[\\/]better-sqlite3[\\/]/.test(path))).toBe(true);
    expect(loaded.filter((path) => /[\\/]node_modules[\\/](pg|pg-pool|mssql|tedious)[\\/]/.test(path))).toEqual([]);
  });

  it("creates a missing folder, stores times as INTEGER ms and floats exactly (-0 included), and names no secrets", async () => {
    const file = join(dir, "nested", "deeper", "a.db");
    const store = await openAggregateStore(`sqlite:${file}`);
    try {
      expect(store.location).toBe(`sqlite:${file}`);
      await store.write([one]);
    } finally {
      await store.close();
    }
    const db = new Database(file, { readonly: true });
    try {
      const row = db.prepare("SELECT typeof(window_end) AS t, window_end AS e, typeof(mean) AS f, mean AS m FROM window_aggregates").get() as { t: string; e: number; f: string; m: number };
      expect(row).toEqual({ t: "integer", e: 6000, f: "real", m: -0 });
      expect(Object.is(row.m, -0)).toBe(true);
      expect(db.prepare("SELECT version, name FROM fleetscore_schema_migrations").all()).toEqual([
        { version: 1, name: "window_aggregates and aggregator_checkpoints" },
        { version: 2, name: "window_aggregates.checkpoint_name: the aggregation that wrote each window" },
        { version: 3, name: "window size in the window_aggregates key; window_sizes" },
        { version: 4, name: "dead_letters: inputs the aggregator set aside, with the reason" },
      ]);
    } finally {
      db.close();
    }
  });

  it("refuses a database migrated by a newer version (SchemaTooNew), with or without migrate", async () => {
    const file = join(dir, "too-new.db");
    await (await openAggregateStore(`sqlite:${file}`)).close();
    const db = new Database(file);
    db.prepare(`INSERT INTO fleetscore_schema_migrations (version, name, applied_at) VALUES (${LATEST_SCHEMA_VERSION + 1}, 'from the future', '2030-01-01T00:00:00Z')`).run();
    db.close();
    for (const migrate of [true, false]) {
      const err = await failureOf(openAggregateStore(`sqlite:${file}`, { migrate }));
      expect(err?.code).toBe("SchemaTooNew");
      expect(err?.message).toContain(`schema version ${LATEST_SCHEMA_VERSION + 1}, newer than this code knows (${LATEST_SCHEMA_VERSION})`);
      expect(err?.message).toContain(file);
    }
  });

  it("with migrate: false (a reader) refuses a missing file as SchemaOutdated, saying it does not exist, and creates neither it nor its folder", async () => {
    const file = join(dir, "not-made", "none.db");
    const err = await failureOf(openAggregateStore(`sqlite:${file}`, { migrate: false }));
    expect(err?.code).toBe("SchemaOutdated");
    expect(err?.message).toContain(`${file}" does not exist`);
    expect(existsSync(join(dir, "not-made"))).toBe(false);
  });

  it("migration 2 gives the windows of a version-1 database its only checkpoint, so that aggregation continues and another conflicts", async () => {
    const file = join(dir, "v1.db");
    const db = new Database(file);
    db.exec(CREATE_MIGRATIONS_TABLE.sqlite);
    for (const statement of MIGRATIONS.find((m) => m.version === 1)!.statements.sqlite) db.exec(statement);
    db.prepare("INSERT INTO fleetscore_schema_migrations (version, name, applied_at) VALUES (1, 'v1', '2026-01-01T00:00:00Z')").run();
    db.prepare("INSERT INTO window_aggregates VALUES ('1', '1', 0, 5000, 2, 1.5, 1, 2, 0.7)").run();
    db.prepare("INSERT INTO aggregator_checkpoints VALUES ('agg', 'csv:10:1', '{}', 0)").run();
    db.close();
    const store = await openAggregateStore(`sqlite:${file}`);
    try {
      expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
      // Migration 3 kept the row and registered its window size.
      expect(await store.windowSizes()).toEqual([5000]);
      const window = { deviceId: "1", sensorId: "1", windowStartMs: 0, windowEndMs: 5000, count: 3, mean: 2, min: 1, max: 3, stddev: 1 };
      expect((await failureOf(store.write([window], { checkpoint: { name: "other", position: "p", state: "s" } })))?.code).toBe("WriteConflict");
      await store.write([window], { checkpoint: { name: "agg", position: "csv:20:2", state: "{}" } });
    } finally {
      await store.close();
    }
  });

  it("reports a file that is not a database, or a folder, as InvalidLocation", async () => {
    const file = join(dir, "not-a-db.txt");
    await writeFile(file, "this is not a database, just some text that is long enough to hold a header ".repeat(10));
    expect((await failureOf(openAggregateStore(`sqlite:${file}`)))?.code).toBe("InvalidLocation");
    expect((await failureOf(openAggregateStore(`sqlite:${dir}`)))?.code).toBe("InvalidLocation");
    expect(await readFile(file, "utf8")).toContain("this is not a database");
  });

  it("fails with Unavailable while another connection holds the write lock beyond the busy timeout, and writes once it is released", async () => {
    const file = join(dir, "locked.db");
    const store = await openAggregateStore(`sqlite:${file}`, { busyTimeoutInMs: 50 });
    const other = new Database(file);
    try {
      other.exec("BEGIN IMMEDIATE");
      const err = await failureOf(store.write([one], { checkpoint: { name: "c", position: "1", state: "" } }));
      expect(err?.code).toBe("Unavailable");
      expect(err?.message).toContain("SQLITE_BUSY");
      other.exec("ROLLBACK");
      await store.write([one], { checkpoint: { name: "c", position: "1", state: "" } });
      expect(await store.readCheckpoint("c")).toEqual({ name: "c", position: "1", state: "" });
    } finally {
      other.close();
      await store.close();
    }
  });
});
