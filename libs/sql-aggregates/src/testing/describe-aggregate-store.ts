import { failureOf, requireTestFramework, type TestFramework } from "@fleetscore/test-support";
import { randomBytes } from "node:crypto";
import type { AggregateStore, AggregatorCheckpoint, ReadAggregatesOptions } from "../store/aggregate-store.js";
import type { WindowAggregateRecord } from "@fleetscore/stream-windowing";
import { LATEST_SCHEMA_VERSION } from "../store/migrations.js";

/** The test-framework hooks the suite needs (`toBe` and `toEqual`: vitest's, jest's or mocha+chai's fit). */
export type { TestFramework };

/**
 * Opens a store on the database `database` (a fresh lower-case name such as `t1a2b3c4d5e6`), creating it
 * empty when it does not exist; a second call with the same name opens the same database. `migrate` is
 * the `OpenAggregateStoreOptions` option (default true).
 */
export type OpenTestAggregateStore = (database: string, options?: { readonly migrate?: boolean }) => Promise<AggregateStore>;

export interface DescribeAggregateStoreOptions {
  /** `{ describe, it, expect }` from your test framework. */
  readonly framework: TestFramework;
  /**
   * False when a database does not outlive its store (SQLite `:memory:`): the cases that re-open a
   * database are left out. Default true.
   */
  readonly persistent?: boolean;
  /** Records written and streamed back by the volume case. Default 50,000. */
  readonly volume?: number;
  /** Timeout of the volume case in ms. Default 120,000. */
  readonly volumeTimeoutInMs?: number;
}


/** Exact text of a float64, telling -0 from 0 (String(x) is the shortest text that reads back as x). */
const exact = (n: number): string => (Object.is(n, -0) ? "-0" : String(n));

/** One line per record with every field exact: compares without relying on the framework's -0 handling. */
const lines = (records: readonly WindowAggregateRecord[]): string[] =>
  records.map((r) =>
    [r.deviceId, r.sensorId, exact(r.windowStartMs), exact(r.windowEndMs), exact(r.count), exact(r.mean), exact(r.min), exact(r.max), exact(r.stddev)].join(" "),
  );

const byKey = (a: WindowAggregateRecord, b: WindowAggregateRecord): number =>
  a.windowEndMs !== b.windowEndMs ? a.windowEndMs - b.windowEndMs : a.deviceId !== b.deviceId ? (a.deviceId < b.deviceId ? -1 : 1) : a.sensorId < b.sensorId ? -1 : a.sensorId > b.sensorId ? 1 : 0;

const sorted = (records: readonly WindowAggregateRecord[]): WindowAggregateRecord[] => [...records].sort(byKey);

async function pages(store: AggregateStore, options: ReadAggregatesOptions): Promise<WindowAggregateRecord[][]> {
  const out: WindowAggregateRecord[][] = [];
  for await (const page of store.read(options)) out.push([...page]);
  return out;
}

async function readAll(store: AggregateStore, options: Partial<ReadAggregatesOptions> = {}): Promise<WindowAggregateRecord[]> {
  return (await pages(store, { fromMs: -Infinity, toMs: Infinity, ...options })).flat();
}

const BASE = Date.UTC(2024, 0, 15, 10, 0, 0);

function record(deviceId: string, sensorId: string, windowEndMs: number, mean: number, extra: Partial<WindowAggregateRecord> = {}): WindowAggregateRecord {
  return { deviceId, sensorId, windowStartMs: windowEndMs - 5000, windowEndMs, count: 5, mean, min: mean - 1, max: mean + 1, stddev: 0.5, ...extra };
}

/** `n` records of 20 devices x 5 sensors, 100 per window end, deterministic values. */
function grid(n: number, base = BASE, seed = 1): WindowAggregateRecord[] {
  const out: WindowAggregateRecord[] = [];
  for (let i = 0; i < n; i++) {
    const d = i % 20;
    const s = Math.floor(i / 20) % 5;
    const w = Math.floor(i / 100);
    out.push(record(`dev-${d}`, `s${s}`, base + w * 5000 + 5000, Math.sin(i * seed) * 100, { count: 1 + (i % 7), stddev: Math.abs(Math.cos(i)) }));
  }
  return out;
}

/**
 * The behaviour every AggregateStore must have, as a test suite: run it once per dialect, e.g.
 * `describeAggregateStore("sqlite file", (db) => openAggregateStore(\`sqlite:${dir}/${db}.db\`), { framework: { describe, it, expect } })`.
 * Each case opens its own database through `openStore` and closes what it opens.
 */
export function describeAggregateStore(name: string, openStore: OpenTestAggregateStore, options: DescribeAggregateStoreOptions): void {
  const { describe, it, expect }: TestFramework = requireTestFramework(options?.framework, `describeAggregateStore(${JSON.stringify(name)})`, `describeAggregateStore(${JSON.stringify(name)}, openStore, { framework: { describe, it, expect } })`);
  const persistent = options.persistent ?? true;
  const volume = options.volume ?? 50_000;
  const newDatabase = (): string => `t${randomBytes(6).toString("hex")}`;

  /** Opens a fresh database, runs `fn`, closes the store whatever happens. */
  async function withStore(fn: (store: AggregateStore, database: string) => Promise<void>): Promise<void> {
    const database = newDatabase();
    const store = await openStore(database);
    try {
      await fn(store, database);
    } finally {
      await store.close();
    }
  }

  describe(`AggregateStore conformance: ${name}`, () => {
    it("applies the migrations on open (the latest schema version) and reports a location without a password", async () => {
      await withStore(async (store) => {
        expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
        expect(["sqlite", "postgres", "mssql"].includes(store.dialect), `dialect ${store.dialect}`).toBe(true);
        expect(typeof store.location).toBe("string");
        expect(/\/\/[^/@:]*:[^/@]*@/.test(store.location), `location ${store.location} holds no password`).toBe(false);
        expect(await readAll(store)).toEqual([]);
      });
    });

    it("refuses migrate: false on a database without the schema (SchemaOutdated)", async () => {
      const err = await failureOf(async () => {
        const store = await openStore(newDatabase(), { migrate: false });
        await store.close();
      });
      expect(err?.name).toBe("AggregateStoreError");
      expect(err?.code).toBe("SchemaOutdated");
    });

    if (persistent) {
      it("re-opens a migrated database without migrating again, keeping data and checkpoint", async () => {
        const database = newDatabase();
        const records = grid(300);
        const checkpoint = { name: "agg", position: "42", state: '{"open":[]}' };
        const first = await openStore(database);
        try {
          await first.write(records, { checkpoint });
        } finally {
          await first.close();
        }
        for (const migrate of [true, false]) {
          const again = await openStore(database, { migrate });
          try {
            expect(await again.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
            expect(lines(await readAll(again))).toEqual(lines(sorted(records)));
            expect(await again.readCheckpoint("agg")).toEqual(checkpoint);
          } finally {
            await again.close();
          }
        }
      });

      it("migrates once when two stores open the same new database at the same time", async () => {
        const database = newDatabase();
        const stores = await Promise.all([openStore(database), openStore(database), openStore(database)]);
        try {
          for (const s of stores) expect(await s.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
          await stores[0]!.write(grid(10));
          expect((await readAll(stores[2]!)).length).toBe(10);
        } finally {
          await Promise.all(stores.map((s) => s.close()));
        }
      });
    }

    it("writes and reads back every field exactly: ms times, float64 edge values, -0", async () => {
      await withStore(async (store) => {
        const floats = [0.1 + 0.2, 1e-300, -0, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 53 + 2, 123456789.12345679, Math.PI, 1 / 3, -2.5e-8, 0];
        const records: WindowAggregateRecord[] = floats.map((f, i) => ({
          deviceId: `dev-${i}`,
          sensorId: "temp",
          windowStartMs: BASE + i * 1001 - 4999,
          windowEndMs: BASE + i * 1001 + 1, // whole ms that are not whole seconds
          count: i === 0 ? 2_147_483_647 : i,
          mean: f,
          min: -f,
          max: floats[(i + 1) % floats.length]!,
          stddev: Math.abs(f),
        }));
        records.push(
          record("early", "x", -62_135_596_799_999, 1, { windowStartMs: -62_135_596_800_000 }),
          record("before-1970", "x", -1, 2, { windowStartMs: -5001 }),
          record("late", "x", 253_402_300_799_999, 3, { windowStartMs: 253_402_300_794_999 }),
        );
        await store.write(records);
        // "early" is a 1 ms window (nothing starts before 0001-01-01); the rest are 5 s windows.
        expect(lines(await readAll(store, { windowMs: 5000 }))).toEqual(lines(sorted(records.filter((r) => r.deviceId !== "early"))));
        expect(lines(await readAll(store, { windowMs: 1 }))).toEqual(lines(records.filter((r) => r.deviceId === "early")));
      });
    });

    it("writes the same records twice and leaves the table identical (idempotent upsert)", async () => {
      await withStore(async (store) => {
        const records = grid(2_500);
        await store.write(records, { checkpoint: { name: "a", position: "1", state: "s" } });
        const once = lines(await readAll(store));
        await store.write(records, { checkpoint: { name: "a", position: "1", state: "s" } });
        const twice = lines(await readAll(store));
        expect(twice.length).toBe(2_500);
        expect(twice).toEqual(once);
        expect(once).toEqual(lines(sorted(records)));
      });
    });

    it("lets the latest write of a key win, across writes and within one write", async () => {
      await withStore(async (store) => {
        const records = grid(500);
        await store.write(records);
        const changed = records.slice(100, 200).map((r) => ({ ...r, count: r.count + 10, mean: r.mean + 0.5, min: -1, max: 1e6, stddev: 0.25 }));
        await store.write(changed);
        expect(lines(await readAll(store))).toEqual(lines(sorted([...records.slice(0, 100), ...changed, ...records.slice(200)])));

        const key = records[0]!;
        const v1 = { ...key, mean: 1 };
        const v2 = { ...key, mean: 2 };
        const v3 = { ...key, mean: -0 };
        // Thousands of records between the repeats, so batching stores see them in different batches too.
        await store.write([v1, ...grid(6_000, BASE + 10_000_000), v2, v3]);
        const stored = (await readAll(store, { models: [{ deviceId: key.deviceId, sensorId: key.sensorId }], toMs: key.windowEndMs, fromMs: key.windowEndMs - 1 }))[0];
        expect(lines(stored ? [stored] : [])).toEqual(lines([v3]));
      });
    });

    it("refuses a window another checkpoint wrote (WriteConflict naming both, nothing written); the same checkpoint's replay upserts", async () => {
      await withStore(async (store) => {
        const odd = { name: "odd", position: "1", state: "s" };
        const even = { name: "even", position: "1", state: "s" };
        const records = grid(3_000);
        await store.write(records, { checkpoint: odd });
        const before = lines(await readAll(store));
        // The other aggregation's windows: new ones first (thousands, so batching stores see several
        // batches), then one already written by "odd".
        const others = [...grid(3_000, BASE + 40_000_000), { ...records[1_234]!, mean: 99 }];
        const err = await failureOf(store.write(others, { checkpoint: even }));
        expect(err?.code).toBe("WriteConflict");
        expect(err?.message.includes('written by checkpoint "odd"; checkpoint "even" may not overwrite it'), err?.message).toBe(true);
        expect(lines(await readAll(store))).toEqual(before);
        expect(await store.readCheckpoint("even")).toBe(undefined);
        // A write without a checkpoint may not overwrite "odd"'s windows either.
        expect((await failureOf(store.write([{ ...records[0]!, mean: 7 }])))?.code).toBe("WriteConflict");
        // A replay of the same checkpoint upserts.
        const changed = records.slice(0, 10).map((r) => ({ ...r, mean: r.mean + 1 }));
        await store.write(changed, { checkpoint: { ...odd, position: "2" } });
        expect(lines(await readAll(store))).toEqual(lines(sorted([...changed, ...records.slice(10)])));
        // Windows nobody else wrote are the other checkpoint's to write.
        await store.write(grid(3_000, BASE + 40_000_000), { checkpoint: even });
        expect((await readAll(store)).length).toBe(6_000);
      });
    });

    it("keeps windows of different sizes apart: both kept, each read alone, no size given with several refused (AmbiguousWindowSize)", async () => {
      await withStore(async (store) => {
        // One-minute windows and five-second windows end at the same instants (every minute).
        const minute = grid(200).map((r) => ({ ...r, windowEndMs: BASE + Math.ceil((r.windowEndMs - BASE) / 60_000) * 60_000 + 60_000 }));
        const oneMinute = [...new Map(minute.map((r) => [`${r.deviceId} ${r.sensorId} ${r.windowEndMs}`, { ...r, windowStartMs: r.windowEndMs - 60_000, mean: r.mean + 1000 }])).values()];
        const fiveSeconds = grid(2_000);
        await store.write(oneMinute, { checkpoint: { name: "one-minute", position: "1", state: "" } });
        expect(await store.windowSizes()).toEqual([60_000]);
        // A single size needs no choice.
        expect(lines(await readAll(store))).toEqual(lines(sorted(oneMinute)));
        // The five-second aggregation writes its own windows, even those ending on a minute: no conflict, nothing replaced.
        await store.write(fiveSeconds, { checkpoint: { name: "five", position: "1", state: "" } });
        expect(await store.windowSizes()).toEqual([5_000, 60_000]);
        expect(lines(await readAll(store, { windowMs: 60_000 }))).toEqual(lines(sorted(oneMinute)));
        expect(lines(await readAll(store, { windowMs: 5_000, pageSize: 7 }))).toEqual(lines(sorted(fiveSeconds)));
        expect(await readAll(store, { windowMs: 10_000 })).toEqual([]);
        const err = await failureOf(readAll(store));
        expect(err?.code).toBe("AmbiguousWindowSize");
        expect(err?.message.includes("2 sizes (5s, 1m)"), err?.message).toBe(true);
        expect((await failureOf(readAll(store, { windowMs: 0 })))?.code).toBe("InvalidArgument");
      });
    });

    it("keeps dead letters with their batch's checkpoint: stored once on replay, hostile text intact, cut to the limit, lost with a failed write", async () => {
      await withStore(async (store) => {
        const checkpoint = { name: "hub", position: "p1", state: "" };
        const hostile = `{"ts":"'; DROP TABLE dead_letters; --","value":"\u00e9\u4e2d\ud83d\ude00","nul":"a\u0000b"}`;
        const letters = [
          { sourceKey: "partition 0 #7", reason: "value is \"abc\"; expected a number", body: hostile, receivedAtMs: BASE + 2 },
          { sourceKey: "partition 1 #3", reason: "not JSON", body: "x".repeat(10_000), receivedAtMs: BASE + 1 },
        ];
        await store.write(grid(10), { checkpoint, deadLetters: letters });
        await store.write(grid(10), { checkpoint, deadLetters: letters });
        const stored = await store.readDeadLetters();
        expect(stored.map((d) => [d.checkpointName, d.sourceKey, d.receivedAtMs])).toEqual([
          ["hub", "partition 1 #3", BASE + 1],
          ["hub", "partition 0 #7", BASE + 2],
        ]);
        expect(stored[0]!.body.length).toBe(4096);
        expect(stored[1]!.body).toBe(hostile.replace("\u0000", "\ufffd"));
        expect(stored[1]!.reason).toBe(letters[0]!.reason);
        expect(await store.readDeadLetters({ checkpointName: "other" })).toEqual([]);
        expect((await store.readDeadLetters({ checkpointName: "hub", limit: 1 })).length).toBe(1);
        // A write that fails (a window another checkpoint wrote) keeps none of its dead letters.
        const err = await failureOf(store.write([grid(10)[0]!], { checkpoint: { name: "intruder", position: "p", state: "" }, deadLetters: [{ ...letters[0]!, sourceKey: "partition 9 #9" }] }));
        expect(err?.code).toBe("WriteConflict");
        expect((await store.readDeadLetters()).map((d) => d.sourceKey)).toEqual(["partition 1 #3", "partition 0 #7"]);
        // Dead letters belong to a checkpoint.
        expect((await failureOf(store.write([], { deadLetters: letters })))?.code).toBe("InvalidArgument");
      });
    });

    it("saves the checkpoint with the aggregates, and a failed write changes neither", async () => {
      await withStore(async (store) => {
        expect(await store.readCheckpoint("agg")).toBe(undefined);
        const c1: AggregatorCheckpoint = { name: "agg", position: "offset:100", state: JSON.stringify({ windows: [1, 2, 3], note: "ünïcødé ✓" }) };
        const batch1 = grid(1_000);
        await store.write(batch1, { checkpoint: c1 });
        expect(await store.readCheckpoint("agg")).toEqual(c1);

        // The bad record comes last, after thousands of good ones: the transaction must roll back batches
        // already sent, not just refuse up front.
        const good = grid(7_000, BASE + 50_000_000);
        const c2 = { name: "agg", position: "offset:200", state: "{}" };
        const invalid: [string, Partial<WindowAggregateRecord>][] = [
          ["mean", { mean: Number.NaN }],
          ["stddev", { stddev: Number.POSITIVE_INFINITY }],
          ["deviceId", { deviceId: "has_underscore" }],
          ["sensorId", { sensorId: "" }],
          ["windowStartMs", { windowStartMs: BASE + 99_000_000 }],
          ["windowEndMs", { windowEndMs: BASE + 0.5 }],
          ["count", { count: -1 }],
        ];
        for (const [field, change] of invalid) {
          const bad = { ...record("dev-x", "s1", BASE + 98_000_000, 1), ...change };
          const err = await failureOf(store.write([...good, bad], { checkpoint: c2 }));
          expect(err?.code, `a record with a bad ${field}`).toBe("InvalidRecord");
          expect(err?.message.includes(field), `message names ${field}: ${err?.message}`).toBe(true);
          expect(err?.message.includes(`index ${good.length}`), `message names the index: ${err?.message}`).toBe(true);
        }
        expect((await failureOf(store.write(grid(10, BASE + 90_000_000), { checkpoint: { name: "", position: "", state: "" } })))?.code).toBe("InvalidRecord");
        expect(lines(await readAll(store))).toEqual(lines(sorted(batch1)));
        expect(await store.readCheckpoint("agg")).toEqual(c1);

        // A checkpoint alone, and a second named checkpoint, are saved as well.
        const c3 = { name: "agg", position: "offset:300", state: "" };
        await store.write([], { checkpoint: c3 });
        await store.write(grid(3, BASE - 1_000_000), { checkpoint: { name: "other", position: "p", state: "s" } });
        expect(await store.readCheckpoint("agg")).toEqual(c3);
        expect(await store.readCheckpoint("other")).toEqual({ name: "other", position: "p", state: "s" });
        expect(await store.readCheckpoint("missing")).toBe(undefined);
      });
    });

    it("reads a range with fromMs exclusive and toMs inclusive", async () => {
      await withStore(async (store) => {
        const ends = [1000, 2000, 3000, 4000].map((t) => BASE + t);
        const records = ends.flatMap((end) => [record("d1", "s1", end, end), record("d2", "s1", end, -end)]);
        await store.write(records);
        const endsOf = async (fromMs: number, toMs: number) => [...new Set((await readAll(store, { fromMs, toMs })).map((r) => r.windowEndMs - BASE))];
        expect(await endsOf(BASE + 1000, BASE + 3000)).toEqual([2000, 3000]);
        expect(await endsOf(BASE + 999, BASE + 1000)).toEqual([1000]);
        expect(await endsOf(BASE + 1999.5, BASE + 3000.9)).toEqual([2000, 3000]);
        expect(await endsOf(BASE + 1000, BASE + 1000)).toEqual([]);
        expect(await endsOf(BASE + 3000, BASE + 1000)).toEqual([]);
        expect(await endsOf(BASE + 4000, Number.POSITIVE_INFINITY)).toEqual([]);
        expect(await endsOf(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)).toEqual([1000, 2000, 3000, 4000]);
        expect(await endsOf(0, BASE + 1000)).toEqual([1000]);
      });
    });

    it("orders by windowEnd, then deviceId, then sensorId, by code point (case-sensitive)", async () => {
      await withStore(async (store) => {
        const ids = ["a", "A", "b", "B", "a-1", "a.1", "a1", "Z", "0", "z9", "Ab", "aB"];
        const records: WindowAggregateRecord[] = [];
        for (const end of [BASE + 10_000, BASE + 5000]) for (const d of ids) for (const s of ["x", "X", "1"]) records.push(record(d, s, end, records.length));
        // Written in a scrambled order.
        const scrambled = records.map((r, i) => ({ r, k: (i * 7919) % records.length })).sort((a, b) => a.k - b.k).map((x) => x.r);
        await store.write(scrambled);
        const read = await readAll(store);
        expect(read.length).toBe(records.length);
        expect(lines(read)).toEqual(lines(sorted(records)));
      });
    });

    it("filters by models: only those listed, ignoring unknown and repeated ones, thousands at once", async () => {
      await withStore(async (store) => {
        const records = grid(1_000);
        await store.write(records);
        const wanted = [
          { deviceId: "dev-3", sensorId: "s1" },
          { deviceId: "dev-17", sensorId: "s4" },
          { deviceId: "dev-3", sensorId: "s1" },
          { deviceId: "nope", sensorId: "s1" },
          { deviceId: "dev-3", sensorId: "bad_id" },
        ];
        const expected = sorted(records.filter((r) => (r.deviceId === "dev-3" && r.sensorId === "s1") || (r.deviceId === "dev-17" && r.sensorId === "s4")));
        expect(expected.length > 0).toBe(true);
        expect(lines(await readAll(store, { models: wanted }))).toEqual(lines(expected));
        expect(lines(await readAll(store, { models: wanted, pageSize: 2 }))).toEqual(lines(expected));
        expect(await readAll(store, { models: [] })).toEqual([]);

        const many = Array.from({ length: 5_000 }, (_, i) => ({ deviceId: `other-${i}`, sensorId: `s${i % 5}` }));
        many.push({ deviceId: "dev-0", sensorId: "s0" }, { deviceId: "dev-19", sensorId: "s2" });
        const expectedMany = sorted(records.filter((r) => (r.deviceId === "dev-0" && r.sensorId === "s0") || (r.deviceId === "dev-19" && r.sensorId === "s2")));
        expect(lines(await readAll(store, { models: many, pageSize: 3 }))).toEqual(lines(expectedMany));
        const range = await readAll(store, { models: many, fromMs: BASE + 10_000, toMs: BASE + 20_000 });
        expect(lines(range)).toEqual(lines(expectedMany.filter((r) => r.windowEndMs > BASE + 10_000 && r.windowEndMs <= BASE + 20_000)));
      });
    });

    it("reads means only: the same windows, order, filter and paging as read, with pair, end and mean each", async () => {
      await withStore(async (store) => {
        const records = grid(200);
        await store.write(records);
        const meansOf = (rs: readonly WindowAggregateRecord[]) => rs.map((r) => [r.deviceId, r.sensorId, exact(r.windowEndMs), exact(r.mean)].join(" "));
        const readMeans = async (options: Partial<ReadAggregatesOptions>) => {
          const out: string[][] = [];
          for await (const page of store.readMeans({ fromMs: -Infinity, toMs: Infinity, ...options })) {
            out.push(page.map((m) => [m.deviceId, m.sensorId, exact(m.windowEndMs), exact(m.mean)].join(" ")));
            expect(Object.keys(page[0]!).sort()).toEqual(["deviceId", "mean", "sensorId", "windowEndMs"]);
          }
          return out.flat();
        };
        expect(await readMeans({})).toEqual(meansOf(sorted(records)));
        const wanted = [{ deviceId: "dev-3", sensorId: "s1" }];
        const filtered = await readAll(store, { models: wanted, fromMs: BASE + 5_000 });
        expect(filtered.length).toBe(1);
        expect(await readMeans({ models: wanted, pageSize: 1, fromMs: BASE + 5_000 })).toEqual(meansOf(filtered));
      });
    });

    it("reads back every mean exactly through readMeans, awkward doubles included, across pages", async () => {
      await withStore(async (store) => {
        const awkward = [1 / 3, -2 / 3, 0.1 + 0.2, 5e-324, -1.7976931348623157e308, 2 ** 53 + 2, 1e-7, 123456.78901234567, -0.000001234567890123456, 71.23];
        const records = awkward.flatMap((mean, i) => [record(`dev-${i % 3}`, `s${i}`, BASE + 5000 * (1 + (i % 4)), mean), record(`Dev.${i}`, "s-0", BASE + 5000, mean / 3)]);
        await store.write(records);
        const got: string[] = [];
        for await (const page of store.readMeans({ fromMs: -Infinity, toMs: Infinity, pageSize: 7 })) got.push(...page.map((m) => [m.deviceId, m.sensorId, exact(m.windowEndMs), exact(m.mean)].join(" ")));
        expect(got).toEqual(sorted(records).map((r) => [r.deviceId, r.sensorId, exact(r.windowEndMs), exact(r.mean)].join(" ")));
      });
    });

    it("pages with pageSize 1 and 3 across records sharing a window end, never yielding an empty page", async () => {
      await withStore(async (store) => {
        const records = [
          record("d1", "s1", BASE + 5000, 1),
          ...["s1", "s2", "s3"].flatMap((s) => ["d1", "d2"].map((d) => record(d, s, BASE + 10_000, 2))),
          record("d0", "s9", BASE + 15_000, 3),
          record("d3", "s0", BASE + 15_000, 4),
          record("d3", "s1", BASE + 15_000, 5),
        ]; // 10 records, 6 share one window end
        await store.write(records);
        const all = lines(sorted(records));
        for (const [pageSize, sizes] of [
          [1, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
          [3, [3, 3, 3, 1]],
          [5, [5, 5]],
          [10, [10]],
          [11, [10]],
        ] as const) {
          const got = await pages(store, { fromMs: 0, toMs: Number.POSITIVE_INFINITY, pageSize });
          expect(got.map((p) => p.length), `page sizes with pageSize ${pageSize}`).toEqual([...sizes]);
          expect(lines(got.flat()), `records with pageSize ${pageSize}`).toEqual(all);
        }
      });
    });

    it("yields nothing for an empty store or a range without aggregates", async () => {
      await withStore(async (store) => {
        expect(await pages(store, { fromMs: 0, toMs: BASE * 2 })).toEqual([]);
        await store.write(grid(10));
        expect(await pages(store, { fromMs: BASE * 2, toMs: BASE * 3 })).toEqual([]);
        expect(await pages(store, { fromMs: 0, toMs: BASE })).toEqual([]);
      });
    });

    it("rejects bad read options with InvalidArgument, and honours an aborted signal", async () => {
      await withStore(async (store) => {
        for (const bad of [{ fromMs: Number.NaN, toMs: 1 }, { fromMs: 0, toMs: Number.NaN }, { fromMs: 0, toMs: 1, pageSize: 0 }, { fromMs: 0, toMs: 1, pageSize: 1.5 }]) {
          expect((await failureOf(pages(store, bad)))?.code, JSON.stringify(bad)).toBe("InvalidArgument");
        }
        const controller = new AbortController();
        controller.abort();
        expect((await failureOf(store.write(grid(10), { abortSignal: controller.signal })))?.name).toBe("AbortError");
        expect((await failureOf(pages(store, { fromMs: 0, toMs: Number.POSITIVE_INFINITY, abortSignal: controller.signal })))?.name).toBe("AbortError");
        expect(await readAll(store)).toEqual([]);
      });
    });

    it(`streams ${volume.toLocaleString("en")} records back in pages, in order`, async () => {
      await withStore(async (store) => {
        const records = grid(volume);
        await store.write(records, { checkpoint: { name: "volume", position: String(volume), state: "" } });
        let count = 0;
        let pageCount = 0;
        let previous: WindowAggregateRecord | undefined;
        let inOrder = true;
        for await (const page of store.read({ fromMs: 0, toMs: Number.POSITIVE_INFINITY, pageSize: 10_000 })) {
          pageCount++;
          expect(page.length <= 10_000, "page within pageSize").toBe(true);
          for (const r of page) {
            if (previous && byKey(previous, r) >= 0) inOrder = false;
            previous = r;
          }
          count += page.length;
        }
        expect(count).toBe(volume);
        expect(pageCount).toBe(Math.ceil(volume / 10_000));
        expect(inOrder, "strictly increasing keys").toBe(true);
        expect(lines(previous ? [previous] : [])).toEqual(lines(sorted(records).slice(-1)));
        expect((await store.readCheckpoint("volume"))?.position).toBe(String(volume));
      });
    }, options.volumeTimeoutInMs ?? 120_000);

    it("fails with Closed after close (which is idempotent)", async () => {
      const store = await openStore(newDatabase());
      await store.close();
      await store.close();
      expect((await failureOf(store.write(grid(1))))?.code).toBe("Closed");
      expect((await failureOf(pages(store, { fromMs: 0, toMs: 1 })))?.code).toBe("Closed");
      expect((await failureOf(store.readCheckpoint("x")))?.code).toBe("Closed");
      expect((await failureOf(store.schemaVersion()))?.code).toBe("Closed");
    });
  });
}
