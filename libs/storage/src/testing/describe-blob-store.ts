import { failureOf, requireTestFramework, type Failure, type TestFramework } from "@fleetscore/test-support";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { BlobStore } from "../blob-store.js";

/** The test-framework hooks the suite needs (`toBe` and `toEqual`: vitest's, jest's or mocha+chai's fit). */
export type { TestFramework };

export interface DescribeBlobStoreOptions {
  /** `{ describe, it, expect }` from your test framework. */
  readonly framework: TestFramework;
  /** How many blobs the listing test writes (default 300); use a store with a small page size to cross pages. */
  readonly manyBlobs?: number;
}


async function collect(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

async function names(store: BlobStore, prefix?: string): Promise<string[]> {
  const out: string[] = [];
  for await (const item of store.list(prefix)) out.push(item.name);
  return out;
}

async function inBatches<T>(items: readonly T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * The behaviour every BlobStore must have, as a test suite: run it once per implementation, e.g.
 * `describeBlobStore("folder", async () => FolderBlobStore.create(await makeTempDir()), { framework: { describe, it, expect } })`.
 * `createStore` is called once per test and must return an empty store.
 */
export function describeBlobStore(name: string, createStore: () => Promise<BlobStore>, options: DescribeBlobStoreOptions): void {
  const { describe, it, expect }: TestFramework = requireTestFramework(options?.framework, `describeBlobStore(${JSON.stringify(name)})`, `describeBlobStore(${JSON.stringify(name)}, createStore, { framework: { describe, it, expect } })`);
  const many = options.manyBlobs ?? 300;

  describe(`BlobStore conformance: ${name}`, () => {
    it("puts and gets bytes exactly, including an empty blob, and reports a location without secrets", async () => {
      const store = await createStore();
      const bytes = randomBytes(1000);
      const { etag } = await store.put("dir/sub/a.bin", bytes);
      expect(typeof etag === "string" && etag.length > 0, "put returns an etag").toBe(true);
      expect(Buffer.from(await store.get("dir/sub/a.bin")).equals(bytes), "same bytes").toBe(true);
      await store.put("empty", new Uint8Array(0));
      expect((await store.get("empty")).byteLength).toBe(0);
      expect(typeof store.location).toBe("string");
      expect(/AccountKey|sig=|SharedAccessSignature/i.test(store.location), "location holds no credentials").toBe(false);
    });

    it("round-trips a 5 MB blob through streams both ways", async () => {
      const store = await createStore();
      const bytes = randomBytes(5 * 1024 * 1024);
      const chunks = Array.from({ length: 20 }, (_, i) => bytes.subarray(i * 262_144, (i + 1) * 262_144));
      await store.put("big/stream.bin", Readable.from(chunks));
      expect((await collect(await store.getStream("big/stream.bin"))).equals(bytes), "stream put, stream get").toBe(true);
      expect(Buffer.from(await store.get("big/stream.bin")).equals(bytes), "stream put, bytes get").toBe(true);
      expect((await store.getProperties("big/stream.bin")).sizeInBytes).toBe(bytes.byteLength);
      await store.put("big/bytes.bin", bytes);
      expect((await collect(await store.getStream("big/bytes.bin"))).equals(bytes), "bytes put, stream get").toBe(true);
    }, 60_000);

    it("lists by plain string prefix, sorted by name, with size, etag and lastModified", async () => {
      const store = await createStore();
      const all = ["b/2.txt", "a/x/1.txt", "a-b.txt", "a/1.txt", "a/10.txt", "a/2.txt", "ab.txt", "c.txt"];
      for (const n of all) await store.put(n, text(`content of ${n}`));
      expect(await names(store)).toEqual([...all].sort());
      expect(await names(store, "a/")).toEqual(["a/1.txt", "a/10.txt", "a/2.txt", "a/x/1.txt"]);
      expect(await names(store, "a")).toEqual(["a-b.txt", "a/1.txt", "a/10.txt", "a/2.txt", "a/x/1.txt", "ab.txt"]);
      expect(await names(store, "a/1")).toEqual(["a/1.txt", "a/10.txt"]);
      expect(await names(store, "zzz/")).toEqual([]);
      for await (const item of store.list("b/")) {
        const props = await store.getProperties(item.name);
        expect(item.sizeInBytes).toBe(`content of ${item.name}`.length);
        expect(item.etag).toBe(props.etag);
        expect(item.lastModified instanceof Date && !Number.isNaN(item.lastModified.getTime()), "lastModified is a Date").toBe(true);
      }
    });

    it(`lists ${many} blobs across pages, each once, in order`, async () => {
      const store = await createStore();
      const all = Array.from({ length: many }, (_, i) => `many/${String(i).padStart(4, "0")}.txt`);
      await inBatches([...all].reverse(), 32, (n) => store.put(n, text(n)));
      await store.put("other.txt", text("x"));
      expect(await names(store, "many/")).toEqual(all);
      expect((await names(store)).length).toBe(many + 1);
    }, 60_000);

    it("tells whether a blob exists and deletes it (delete is idempotent)", async () => {
      const store = await createStore();
      expect(await store.exists("d/x.txt")).toBe(false);
      await store.put("d/x.txt", text("x"));
      expect(await store.exists("d/x.txt")).toBe(true);
      expect(await store.exists("d"), "a prefix is not a blob").toBe(false);
      expect(await store.delete("d/x.txt")).toBe(true);
      expect(await store.exists("d/x.txt")).toBe(false);
      expect(await store.delete("d/x.txt")).toBe(false);
      expect((await failureOf(store.get("d/x.txt")))?.code).toBe("BlobNotFound");
      expect(await names(store)).toEqual([]);
    });

    it("gets properties matching the last put, and a new etag after each overwrite", async () => {
      const store = await createStore();
      const first = await store.put("p.txt", text("one"));
      const props = await store.getProperties("p.txt");
      expect(props.etag).toBe(first.etag);
      expect(props.sizeInBytes).toBe(3);
      const second = await store.put("p.txt", text("three"));
      expect(second.etag === first.etag, "etag changes on overwrite").toBe(false);
      expect((await store.getProperties("p.txt")).etag).toBe(second.etag);
      expect(Buffer.from(await store.get("p.txt")).toString()).toBe("three");
    });

    it("honours ifNoneMatch \"*\" (create only) and ifMatch (replace only that version)", async () => {
      const store = await createStore();
      const created = await store.put("c.txt", text("v1"), { ifNoneMatch: "*" });
      const exists = await failureOf(store.put("c.txt", text("v2"), { ifNoneMatch: "*" }));
      expect(exists?.name).toBe("BlobStoreError");
      expect(exists?.code).toBe("PreconditionFailed");
      expect(exists?.message.includes("c.txt"), "message names the blob").toBe(true);
      expect(Buffer.from(await store.get("c.txt")).toString()).toBe("v1");

      const updated = await store.put("c.txt", text("v2"), { ifMatch: created.etag });
      expect(updated.etag === created.etag, "new etag").toBe(false);
      const stale = await failureOf(store.put("c.txt", text("v3"), { ifMatch: created.etag }));
      expect(stale?.code).toBe("PreconditionFailed");
      expect(Buffer.from(await store.get("c.txt")).toString()).toBe("v2");
      const stream = await store.put("c.txt", Readable.from([Buffer.from("v4")]), { ifMatch: updated.etag });
      expect(stream.etag === updated.etag).toBe(false);
      expect((await failureOf(store.put("c.txt", Readable.from([Buffer.from("v5")]), { ifMatch: updated.etag })))?.code).toBe("PreconditionFailed");
      expect(Buffer.from(await store.get("c.txt")).toString()).toBe("v4");
      expect((await failureOf(store.put("missing.txt", text("x"), { ifMatch: created.etag })))?.code).toBe("PreconditionFailed");
      expect(await store.exists("missing.txt")).toBe(false);
    });

    it("lets exactly one of concurrent conditional writers win", async () => {
      const store = await createStore();
      const { etag } = await store.put("pointer", text("start"));
      const writers = Array.from({ length: 8 }, (_, i) => store.put("pointer", text(`writer ${i}`), { ifMatch: etag }));
      const results = await Promise.allSettled(writers);
      const winners = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
      expect(winners.length, "exactly one winner").toBe(1);
      for (const r of results) if (r.status === "rejected") expect((r.reason as Failure).code).toBe("PreconditionFailed");
      expect(Buffer.from(await store.get("pointer")).toString()).toBe(`writer ${winners[0]}`);

      const creators = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.put("once", text(`c${i}`), { ifNoneMatch: "*" })));
      expect(creators.filter((r) => r.status === "fulfilled").length, "exactly one creator").toBe(1);
    });

    it("reports a missing blob as BlobNotFound, naming it", async () => {
      const store = await createStore();
      for (const attempt of [() => store.get("no/such.txt"), () => store.getStream("no/such.txt"), () => store.getProperties("no/such.txt")]) {
        const err = await failureOf(attempt);
        expect(err?.name).toBe("BlobStoreError");
        expect(err?.code).toBe("BlobNotFound");
        expect(err?.message.includes("no/such.txt"), "message names the blob").toBe(true);
      }
    });

    it("rejects invalid names with InvalidName, naming the value, and writes nothing", async () => {
      const store = await createStore();
      const bad = ["", "../x", "a/../b", "a/./b", "/abs", "a\\b", "a\u0000b", "tab\there", "a//b", "a/", "x".repeat(1025)];
      for (const n of bad) {
        for (const attempt of [() => store.put(n, text("x")), () => store.get(n), () => store.exists(n), () => store.delete(n), () => store.getProperties(n)]) {
          const err = await failureOf(attempt);
          expect(err?.code, `name ${JSON.stringify(n)}`).toBe("InvalidName");
          expect(err?.message.includes(JSON.stringify(n).slice(0, 40)), `message names ${JSON.stringify(n)}`).toBe(true);
        }
      }
      expect((await failureOf(async () => names(store, "../")))?.code).toBe("InvalidName");
      expect(await names(store)).toEqual([]);
    });

    it("rejects with an AbortError when aborted", async () => {
      const store = await createStore();
      await store.put("a.txt", text("a"));
      const controller = new AbortController();
      controller.abort();
      const abortSignal = controller.signal;
      const attempts = [
        () => store.get("a.txt", { abortSignal }),
        () => store.getStream("a.txt", { abortSignal }),
        () => store.put("b.txt", text("b"), { abortSignal }),
        () => store.put("b.txt", Readable.from([Buffer.from("b")]), { abortSignal }),
        () => store.exists("a.txt", { abortSignal }),
        () => store.delete("a.txt", { abortSignal }),
        () => store.getProperties("a.txt", { abortSignal }),
        async () => {
          for await (const _ of store.list("", { abortSignal })) {
            /* nothing */
          }
        },
      ];
      for (const attempt of attempts) expect((await failureOf(attempt))?.name).toBe("AbortError");
      expect(await store.exists("b.txt")).toBe(false);
      expect(await store.exists("a.txt")).toBe(true);
    });

    it("leases a blob to one holder: others are refused until it is released or broken", async () => {
      const store = await createStore();
      const lease = await store.acquireLease("run/_lease", { durationInSeconds: 15 });
      expect((await failureOf(store.acquireLease("run/_lease", { durationInSeconds: 15 })))?.code).toBe("LeaseAlreadyPresent");
      expect((await failureOf(store.put("run/_lease", text("intruder"))))?.code, "a put without the lease id").toBe("LeaseAlreadyPresent");
      expect((await failureOf(store.put("run/_lease", text("x"), { leaseId: "00000000-0000-0000-0000-000000000000" })))?.code).toBe("LeaseLost");
      await store.put("run/_lease", text("holder"), { leaseId: lease.leaseId });
      await lease.renew();
      expect((await store.getProperties("run/_lease")).leased, "leased").toBe(true);
      expect(Buffer.from(await store.get("run/_lease")).toString()).toBe("holder");
      await lease.release();
      expect((await store.getProperties("run/_lease")).leased, "released").toBe(false);
      const next = await store.acquireLease("run/_lease", { durationInSeconds: 15 });
      const { etag } = await store.getProperties("run/_lease");
      await store.put("run/_lease", text("next"), { leaseId: next.leaseId });
      expect((await failureOf(store.breakLease("run/_lease", { ifMatch: etag })))?.code, "break on an old ETag").toBe("PreconditionFailed");
      await store.breakLease("run/_lease", { ifMatch: (await store.getProperties("run/_lease")).etag });
      expect((await failureOf(next.renew()))?.code, "the broken holder's renew").toBe("LeaseLost");
      const third = await store.acquireLease("run/_lease", { durationInSeconds: 15 });
      await third.release();
      await next.release(); // a lost lease releases quietly
    });
  });
}
