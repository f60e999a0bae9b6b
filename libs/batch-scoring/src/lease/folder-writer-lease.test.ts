import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FolderRunOutput } from "../folder-run-output.js";
import { makeTempDir } from "../test-fixtures/paths.js";
import type { LeaseHolder } from "./lease-holder.js";
import { failureOf } from "@fleetscore/test-support";

let tmp: string;
let n = 0;
beforeAll(async () => {
  tmp = await makeTempDir();
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const newOutput = (staleAfterMs?: number): Promise<FolderRunOutput> =>
  FolderRunOutput.create(join(tmp, `out-${n++}`), "r", staleAfterMs === undefined ? {} : { leaseStaleAfterMs: staleAfterMs });
const sameRun = (o: FolderRunOutput, staleAfterMs?: number): Promise<FolderRunOutput> =>
  FolderRunOutput.create(join(o.location, ".."), "r", staleAfterMs === undefined ? {} : { leaseStaleAfterMs: staleAfterMs });

/** Waits for `check` to hold, polling; fails after a generous deadline with what was last seen. */
async function until<T>(what: string, probe: () => Promise<T>, check: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await probe();
    if (check(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: last seen ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function holder(fields: Partial<LeaseHolder>): string {
  return JSON.stringify({ host: "elsewhere", pid: 4242, since: "2026-01-01T00:00:00.000Z", token: "t-old", staleAfterMs: 30_000, ...fields });
}

describe("folder writer lease", () => {
  it("is taken by one writer; a second is refused naming the holder and the lease; after release it can be taken again", async () => {
    const first = await newOutput();
    const lease = await first.acquireWriterLease(undefined);
    expect(await readdir(first.location)).toEqual(["_lease.0.json"]);
    expect(JSON.parse(await readFile(join(first.location, "_lease.0.json"), "utf8"))).toMatchObject({ host: hostname(), pid: process.pid });
    expect(await first.list(), "the lease is no file of the run").toEqual([]);

    const refused = await failureOf((await sameRun(first)).acquireWriterLease(undefined));
    expect(refused?.code).toBe("RunLeased");
    expect(refused?.message).toContain(`run r is being written by another scorer (pid ${process.pid} on host ${hostname()} since ${lease.holder.since})`);
    expect(refused?.message).toContain(join(first.location, "_lease.0.json"));

    expect((await failureOf((await sameRun(first)).assertNoWriter()))?.code, "finalize meets the writer").toBe("RunLeased");
    await lease.release();
    await (await sameRun(first)).assertNoWriter();
    const again = await (await sameRun(first)).acquireWriterLease(undefined);
    await again.release();
  });

  it("gives each shard its own lease", async () => {
    const o = await newOutput();
    const a = await o.acquireWriterLease({ index: 0, count: 2 });
    const b = await (await sameRun(o)).acquireWriterLease({ index: 1, count: 2 });
    expect((await readdir(o.location)).sort()).toEqual(["_lease-shard-0-of-2.0.json", "_lease-shard-1-of-2.0.json"]);
    expect((await failureOf((await sameRun(o)).acquireWriterLease({ index: 1, count: 2 })))?.message).toContain("run r shard 1/2 is being written");
    await a.release();
    await b.release();
  });

  it("refuses a writer whose shards overlap a live one's: unsharded and sharded, or another shard count", async () => {
    const o = await newOutput();
    const shard = await o.acquireWriterLease({ index: 0, count: 2 });
    expect((await failureOf((await sameRun(o)).acquireWriterLease(undefined)))?.message).toMatch(/run r is being written by .*_lease-shard-0-of-2\.0\.json/);
    expect((await failureOf((await sameRun(o)).acquireWriterLease({ index: 2, count: 3 })))?.code).toBe("RunLeased");
    expect((await readdir(o.location)).sort(), "the refused writers took nothing").toEqual(["_lease-shard-0-of-2.0.json"]);
    await shard.release();
  });

  it("of many writers starting at once, exactly one gets it", async () => {
    const o = await newOutput();
    const outputs = await Promise.all(Array.from({ length: 8 }, () => sameRun(o)));
    const results = await Promise.allSettled(outputs.map((x) => x.acquireWriterLease(undefined)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as { code: string }).code).toBe("RunLeased");
    for (const r of results) if (r.status === "fulfilled") await r.value.release();
  });

  it("takes over a lease whose heartbeat is older than its holder's stale limit, and of many takers exactly one wins", async () => {
    const o = await newOutput();
    await o.writeFile("keep.txt", "x");
    const path = join(o.location, "_lease.0.json");
    await writeFile(path, holder({ staleAfterMs: 1_000 }));
    await utimes(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const outputs = await Promise.all(Array.from({ length: 6 }, () => sameRun(o)));
    const results = await Promise.allSettled(outputs.map((x) => x.acquireWriterLease(undefined)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((await readdir(o.location)).filter((f) => f.startsWith("_lease"))).toEqual(["_lease.1.json"]);
    for (const r of results) if (r.status === "fulfilled") await r.value.release();
  });

  it("does not take over a live lease of another host, however short its own stale limit", async () => {
    const o = await newOutput();
    await o.writeFile("keep.txt", "x");
    await writeFile(join(o.location, "_lease.0.json"), holder({ staleAfterMs: 60_000 }));
    const refused = await failureOf((await sameRun(o, 1)).acquireWriterLease(undefined));
    expect(refused?.message).toContain("pid 4242 on host elsewhere since 2026-01-01T00:00:00.000Z");
  });

  it("takes over at once a lease whose holder on this host has exited (kill -9), fresh heartbeat or not", async () => {
    const o = await newOutput();
    await o.writeFile("keep.txt", "x");
    const exited = spawnSync(process.execPath, ["-e", ""]).pid!;
    await writeFile(join(o.location, "_lease.0.json"), holder({ host: hostname(), pid: exited }));
    const lease = await o.acquireWriterLease(undefined);
    expect(lease.location).toBe(join(o.location, "_lease.1.json"));
    await lease.release();
  });

  it("refreshes its heartbeat, and once another writer took over, refuses every write", async () => {
    const o = await newOutput(300);
    const lease = await o.acquireWriterLease(undefined);
    const path = join(o.location, "_lease.0.json");
    const first = (await stat(path)).mtimeMs;
    await until("heartbeat", async () => (await stat(path)).mtimeMs, (m) => m > first);

    await writeFile(join(o.location, "_lease.1.json"), holder({})); // as a takeover would
    await until("lease lost", async () => (await failureOf(o.writeFile("a.txt", "a")))?.code, (c) => c === "RunLeased");
    const refused = await failureOf(o.append("preds_1_1.csv", new Uint8Array([1])));
    expect(refused?.message).toMatch(/lost its writer lease .*_lease\.0\.json/);
    await lease.release();
    expect((await readdir(o.location)).filter((f) => f.startsWith("_lease"))).toEqual(["_lease.1.json"]);
  });

  it("removes the temporary file a writer killed while taking the lease left behind, and no live writer's", async () => {
    const o = await newOutput();
    await o.writeFile("keep.txt", "x");
    const exited = spawnSync(process.execPath, ["-e", ""]).pid!;
    await writeFile(join(o.location, "_lease.0.json"), holder({ host: hostname(), pid: exited }));
    await writeFile(join(o.location, "_lease.t-dead.tmp"), holder({ host: hostname(), pid: exited, token: "t-dead" }));
    await writeFile(join(o.location, "_lease.t-live.tmp"), holder({ host: hostname(), pid: process.pid, token: "t-live" }));
    const lease = await (await sameRun(o)).acquireWriterLease(undefined);
    expect((await readdir(o.location)).sort()).toEqual(["_lease.1.json", "_lease.t-live.tmp", "keep.txt"]);
    await lease.release();
  });

  it("leaves no run folder behind when the run wrote nothing", async () => {
    const o = await newOutput();
    const lease = await o.acquireWriterLease(undefined);
    await lease.release();
    expect(await readdir(join(o.location, "..")).catch(() => "gone")).toBe("gone");
  });
});
