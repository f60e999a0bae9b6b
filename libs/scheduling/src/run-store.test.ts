import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestPostgres, type TestPostgres } from "@fleetscore/sql-aggregates/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRunStore, type RunStore } from "./index.js";

/** The same checks on every run store; each test gets an empty store. */
function describeRunStore(name: string, open: (test: string) => Promise<RunStore>): void {
  describe(`run store: ${name}`, () => {
    const at = new Date("2026-11-25T14:00:00Z");

    it("creates a run with queued shards once; a second create changes nothing", async () => {
      const store = await open("create");
      try {
        const first = await store.createRun({ runId: "p-20261125T1400Z", pipeline: "p", scheduledAt: at, shardCount: 2, output: "out/p-20261125T1400Z" });
        expect(first.created).toBe(true);
        expect(first.run).toMatchObject({ status: "queued", shardCount: 2, scheduledAt: at });
        await store.updateRun("p-20261125T1400Z", { status: "running", startedAt: at });
        const again = await store.createRun({ runId: "p-20261125T1400Z", pipeline: "p", scheduledAt: at, shardCount: 3, output: "x" });
        expect(again).toMatchObject({ created: false, run: { status: "running", shardCount: 2, output: "out/p-20261125T1400Z" } });
        expect((await store.listShards("p-20261125T1400Z")).map((s) => [s.index, s.count, s.status, s.attempts])).toEqual([
          [0, 2, "queued", 0],
          [1, 2, "queued", 0],
        ]);
      } finally {
        await store.close();
      }
    });

    it("keeps shard attempts, timings, exit codes, errors, log paths and run totals", async () => {
      const store = await open("update");
      try {
        await store.createRun({ runId: "r", pipeline: "p", scheduledAt: at, shardCount: 1, output: "out/r" });
        const finished = new Date("2026-11-25T14:01:00Z");
        await store.updateShard("r", 0, { status: "failed", attempts: 3, startedAt: at, finishedAt: finished, exitCode: 3, error: "exit code 3: boom", logPath: "/logs/r/shard-0-of-1.log", pid: 42 });
        expect((await store.listShards("r"))[0]).toEqual({ runId: "r", index: 0, count: 1, status: "failed", attempts: 3, startedAt: at, finishedAt: finished, exitCode: 3, error: "exit code 3: boom", logPath: "/logs/r/shard-0-of-1.log", pid: 42 });
        await store.updateShard("r", 0, { exitCode: null });
        expect((await store.listShards("r"))[0]!.exitCode).toBeNull();
        await store.updateRun("r", { status: "partial", finishedAt: finished, totals: { models: 15, scored: 14, failed: 1, rows: 100, anomalies: 7 }, error: "1 of 1 shards failed" });
        expect(await store.getRun("r")).toMatchObject({ status: "partial", finishedAt: finished, totals: { models: 15, scored: 14, failed: 1, rows: 100, anomalies: 7 } });
        expect(await store.getRun("missing")).toBeUndefined();
      } finally {
        await store.close();
      }
    });

    it("lists runs newest first, by pipeline and status, the last n; knows each pipeline's latest time; requeues a skipped run", async () => {
      const store = await open("list");
      try {
        for (const [i, pipeline, status] of [[1, "a", "queued"], [2, "b", "skipped"], [3, "a", "skipped"]] as const) {
          await store.createRun({ runId: `${pipeline}-${i}`, pipeline, scheduledAt: new Date(at.getTime() + i * 3_600_000), shardCount: 1, output: "o", status });
        }
        expect((await store.listRuns()).map((r) => r.runId)).toEqual(["a-3", "b-2", "a-1"]);
        expect((await store.listRuns({ last: 2 })).map((r) => r.runId)).toEqual(["a-3", "b-2"]);
        expect((await store.listRuns({ pipeline: "a", statuses: ["queued"] })).map((r) => r.runId)).toEqual(["a-1"]);
        expect((await store.latestScheduledAt("a"))?.toISOString()).toBe("2026-11-25T17:00:00.000Z");
        expect(await store.latestScheduledAt("none")).toBeUndefined();
        await store.updateShard("a-3", 0, { status: "failed" });
        await store.requeueRun("a-3");
        expect((await store.getRun("a-3"))?.status).toBe("queued");
        expect((await store.listShards("a-3"))[0]?.status).toBe("queued");
      } finally {
        await store.close();
      }
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fleetscore-runstore-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
describeRunStore("SQLite", (test) => openRunStore(`sqlite:${join(dir, `${test}.db`)}`));

let server: TestPostgres;
beforeAll(async () => {
  server = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  await server?.dispose();
});
describeRunStore("PostgreSQL", async (test) => openRunStore(await server.createDatabase(`runs_${test}`)));

describe("openRunStore", () => {
  it("names an unknown scheme and hides a password", async () => {
    await expect(openRunStore("mysql://u:secret@h/db")).rejects.toThrow(/"mysql:\/\/u:\*\*\*@h\/db" is not sqlite:<file> or postgres:/);
    await expect(openRunStore("postgres://u:secret@127.0.0.1:1/db")).rejects.toThrow(/Run store postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/db is unavailable/);
  });
});
