import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testBlobStores } from "../test-fixtures/test-blob-stores.js";
import { BlobRunOutput } from "../blob-run-output.js";
import { useTempDir } from "../test-fixtures/paths.js";
import { failureOf } from "@fleetscore/test-support";

const tmp = useTempDir();

const stores = testBlobStores(tmp, "lease");

describe.each(stores)("blob writer lease on %s", (_, createStore) => {
  it("is taken by one writer; a second is refused naming the holder; after release it can be taken again", async () => {
    const store = await createStore();
    const first = await BlobRunOutput.create(store, "r", { stagingDir: join(tmp(), randomBytes(4).toString("hex")) });
    const lease = await first.acquireWriterLease({ index: 1, count: 3 });
    expect(lease.location).toBe(`${store.location.replace(/\/$/, "")}/r/_lease-shard-1-of-3.json`);
    expect(await first.list(), "the lease is no file of the run").toEqual([]);
    const second = await BlobRunOutput.create(store, "r");
    const refused = await failureOf(second.acquireWriterLease({ index: 1, count: 3 }));
    expect(refused?.code).toBe("RunLeased");
    expect(refused?.message).toContain(`run r shard 1/3 is being written by another scorer (pid ${process.pid} on host ${hostname()} since ${lease.holder.since})`);
    expect(refused?.message).toContain(lease.location);
    expect((await failureOf(second.assertNoWriter()))?.message).toContain(`is being written by another scorer (pid ${process.pid}`);
    await lease.release();
    await second.assertNoWriter();
    await (await second.acquireWriterLease({ index: 1, count: 3 })).release();
  });

  it("refuses a writer whose shards overlap a live one's", async () => {
    const store = await createStore();
    const shard = await (await BlobRunOutput.create(store, "r")).acquireWriterLease({ index: 0, count: 2 });
    expect((await failureOf((await BlobRunOutput.create(store, "r")).acquireWriterLease(undefined)))?.message).toMatch(/run r is being written by .*r\/_lease-shard-0-of-2\.json/);
    expect((await failureOf((await BlobRunOutput.create(store, "r")).acquireWriterLease({ index: 1, count: 3 })))?.code).toBe("RunLeased");
    await shard.release();
    await (await (await BlobRunOutput.create(store, "r")).acquireWriterLease(undefined)).release();
  });

  it("breaks at once the lease of a holder on this host that has exited (kill -9)", async () => {
    const store = await createStore();
    const name = "r/_lease.json";
    const dead = await store.acquireLease(name, { durationInSeconds: 60 });
    const pid = spawnSync(process.execPath, ["-e", ""]).pid!;
    const holder = { host: hostname(), pid, since: new Date().toISOString(), token: "t", staleAfterMs: 60_000 };
    await store.put(name, Buffer.from(JSON.stringify(holder)), { leaseId: dead.leaseId });
    const lease = await (await BlobRunOutput.create(store, "r")).acquireWriterLease(undefined);
    expect(JSON.parse(Buffer.from(await store.get(name)).toString())).toMatchObject({ pid: process.pid });
    await lease.release();
  });

  it("never breaks a lease held with no holder named yet (a writer in the middle of acquiring)", async () => {
    const store = await createStore();
    const acquiring = await store.acquireLease("r/_lease.json", { durationInSeconds: 60 });
    const refused = await failureOf((await BlobRunOutput.create(store, "r")).acquireWriterLease(undefined));
    expect(refused?.message).toContain("another scorer (just starting)");
    await acquiring.release();
  });
});
