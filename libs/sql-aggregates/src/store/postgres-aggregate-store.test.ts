import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type {} from "../test-fixtures/postgres-global-setup.js";
import { describeAggregateStore } from "../testing/describe-aggregate-store.js";
import { createPostgresDatabase, freePort, startTestPostgres, type TestPostgres } from "../testing/test-postgres.js";
import type { WindowAggregateRecord } from "@fleetscore/stream-windowing";
import type { AggregateStore } from "./aggregate-store.js";
import { LATEST_SCHEMA_VERSION } from "./migrations.js";
import { openAggregateStore } from "./open-aggregate-store.js";
import { failureOf } from "@fleetscore/test-support";

const serverUrl = inject("postgresUrl");
if (!serverUrl) throw new Error('No PostgreSQL URL: vitest.config.ts must have globalSetup: ["src/test-fixtures/postgres-global-setup.ts"]');

/** One database per name; concurrent opens of one name share its creation. */
function databases(): (name: string) => Promise<string> {
  const created = new Map<string, Promise<string>>();
  return (name) => {
    let url = created.get(name);
    if (!url) {
      url = createPostgresDatabase(serverUrl, name);
      created.set(name, url);
    }
    return url;
  };
}

const database = databases();
describeAggregateStore("postgres", async (name, options) => openAggregateStore(await database(name), options), { framework: { describe, it, expect } });
describeAggregateStore("postgres (batchSize 700)", async (name, options) => openAggregateStore(await database(name), { ...options, batchSize: 700 }), {
  framework: { describe, it, expect },
  volume: 10_000,
});

function records(n: number, windowEndMs: number, mean = 1): WindowAggregateRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    deviceId: `dev-${i % 500}`,
    sensorId: `s${Math.floor(i / 500)}`,
    windowStartMs: windowEndMs - 5000,
    windowEndMs,
    count: 3,
    mean: mean + i,
    min: 0,
    max: 2 * i,
    stddev: 0.5,
  }));
}

/** Runs `body` with a plain node-postgres client on `url` (to look at or change the database behind the store). */
async function withClient(url: string, body: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await body(client);
  } finally {
    await client.end();
  }
}

/** Runs `body` with a store opened on `url`, closing it after. */
async function withStore(url: string, body: (store: AggregateStore) => Promise<void>): Promise<void> {
  const store = await openAggregateStore(url);
  try {
    await body(store);
  } finally {
    await store.close();
  }
}

async function countRows(store: AggregateStore): Promise<number> {
  let n = 0;
  for await (const page of store.read({ fromMs: Number.NEGATIVE_INFINITY, toMs: Number.POSITIVE_INFINITY })) n += page.length;
  return n;
}

describe("PostgresAggregateStore", () => {
  it("names host:port and database, never the password, when nothing listens (Unavailable)", async () => {
    const port = await freePort();
    const err = await failureOf(openAggregateStore(`postgres://fleet:s3cret-pw@127.0.0.1:${port}/agg`));
    expect(err?.name).toBe("AggregateStoreError");
    expect(err?.code).toBe("Unavailable");
    expect(err?.message).toContain(`127.0.0.1:${port}`);
    expect(err?.message).toContain('"agg"');
    expect(err?.message).toContain("ECONNREFUSED");
    expect(err?.message).not.toContain("s3cret-pw");
    expect(JSON.stringify(err)).not.toContain("s3cret-pw");
  });

  it("reports a missing database as InvalidLocation", async () => {
    const url = new URL(serverUrl);
    url.pathname = "/no_such_database";
    const err = await failureOf(openAggregateStore(url.href));
    expect(err?.code).toBe("InvalidLocation");
    expect(err?.message).toContain("no_such_database");
  });

  it("refuses a database migrated by a newer version (SchemaTooNew) and leaves it alone", async () => {
    const url = await createPostgresDatabase(serverUrl, "schema_too_new");
    await (await openAggregateStore(url)).close();
    await withClient(url, async (client) => {
      await client.query(`INSERT INTO fleetscore_schema_migrations (version, name) VALUES (${LATEST_SCHEMA_VERSION + 1}, 'from the future')`);
      for (const migrate of [true, false]) {
        const err = await failureOf(openAggregateStore(url, { migrate }));
        expect(err?.code).toBe("SchemaTooNew");
        expect(err?.message).toContain(`version ${LATEST_SCHEMA_VERSION + 1}`);
      }
      expect((await client.query("SELECT max(version) AS v FROM fleetscore_schema_migrations")).rows[0].v).toBe(LATEST_SCHEMA_VERSION + 1);
    });
  });

  it("opens an up-to-date database as a user who may only read and write rows (no DDL, no lock)", async () => {
    const url = await createPostgresDatabase(serverUrl, "dml_only");
    await (await openAggregateStore(url)).close();
    await withClient(url, async (admin) => {
      await admin.query("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'aggregator') THEN CREATE ROLE aggregator LOGIN; END IF; END $$");
      await admin.query("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
      await admin.query("GRANT SELECT, INSERT, UPDATE ON window_aggregates, aggregator_checkpoints, window_sizes TO aggregator");
      await admin.query("GRANT SELECT ON fleetscore_schema_migrations TO aggregator");
    });
    const asAggregator = new URL(url);
    asAggregator.username = "aggregator";
    await withStore(asAggregator.href, async (store) => {
      expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
      await store.write(records(3, Date.UTC(2024, 0, 1)), { checkpoint: { name: "a", position: "1", state: "" } });
      expect(await countRows(store)).toBe(3);
    });
  });

  it("stores times as timestamptz and floats as double precision, readable by SQL", async () => {
    const url = await createPostgresDatabase(serverUrl, "column_types");
    await withStore(url, async (store) => {
      await store.write([{ deviceId: "d", sensorId: "s", windowStartMs: Date.UTC(2024, 1, 3, 4, 5, 1, 7), windowEndMs: Date.UTC(2024, 1, 3, 4, 5, 6, 7), count: 2, mean: 0.1, min: -0, max: 1e300, stddev: 5e-324 }]);
    });
    await withClient(url, async (client) => {
      const { rows } = await client.query("SELECT window_end::text AS we, pg_typeof(window_end)::text AS t, pg_typeof(mean)::text AS f, min::text AS min FROM window_aggregates");
      expect(rows).toEqual([{ we: "2024-02-03 04:05:06.007+00", t: "timestamp with time zone", f: "double precision", min: "-0" }]);
    });
  });

  describe("on a server that stops and starts again", () => {
    let server: TestPostgres;
    let store: AggregateStore;
    const password = "p@ss:w/rd-secret";
    beforeAll(async () => {
      server = await startTestPostgres({ password, database: "restarts" });
      store = await openAggregateStore(server.url.replace(`:${encodeURIComponent(password)}@`, "@"), { password });
    });
    afterAll(async () => {
      await store?.close();
      await server?.dispose();
    });

    it("refuses a wrong password (AuthenticationFailed) without showing it", async () => {
      const err = await failureOf(openAggregateStore(server.urlFor("restarts").replace(encodeURIComponent(password), "wrong-secret")));
      expect(err?.code).toBe("AuthenticationFailed");
      expect(err?.message).not.toContain("wrong-secret");
      expect(store.location).toBe(`postgres://postgres@127.0.0.1:${server.port}/restarts`);
    });

    it("fails a write in progress with Unavailable when the server stops, keeps it atomic, and writes again after a restart", async () => {
      const size = 20_000;
      let done = 0;
      const writing = (async () => {
        for (let i = 0; ; i++) {
          await store.write(records(size, Date.UTC(2024, 0, 1) + i * 5000, i), { checkpoint: { name: "agg", position: String(i + 1), state: "" } });
          done = i + 1;
        }
      })();
      // Handled now: it rejects while we stop the server.
      const outcome = failureOf(writing);
      while (done < 1) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await server.stop({ mode: "fast" });
      const err = await outcome;
      expect(err?.name).toBe("AggregateStoreError");
      expect(err?.code).toBe("Unavailable");
      expect(err?.message).toContain(`127.0.0.1:${server.port}`);
      expect(err?.message).toContain('"restarts"');
      expect(err?.message).not.toContain("w/rd-secret");

      const readErr = await failureOf(store.readCheckpoint("agg"));
      expect(readErr?.code).toBe("Unavailable");

      await server.start();
      const committed = Number((await store.readCheckpoint("agg"))?.position);
      expect(committed >= done, `checkpoint ${committed} covers the ${done} writes that succeeded`).toBe(true);
      expect(await countRows(store), "only whole writes are stored").toBe(committed * size);

      await store.write(records(10, Date.UTC(2030, 0, 1)), { checkpoint: { name: "agg", position: "after-restart", state: "" } });
      expect((await store.readCheckpoint("agg"))?.position).toBe("after-restart");
      expect(await countRows(store)).toBe(committed * size + 10);
    }, 120_000);
  });
});
