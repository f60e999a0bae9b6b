import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { RunManifest } from "@fleetscore/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { testBlobStores } from "./test-fixtures/test-blob-stores.js";
import { BlobRunOutput, FolderRunOutput, scoreBatch } from "./index.js";
import { REFERENCE_DATA, REFERENCE_MODELS, useTempDir } from "./test-fixtures/paths.js";

const tmp = useTempDir();
let expected: Map<string, Buffer>;

beforeAll(async () => {
  await scoreBatch({ runId: "r", data: REFERENCE_DATA, models: REFERENCE_MODELS, engine: "auto", workers: 0, output: await FolderRunOutput.create(join(tmp(), "folder"), "r") });
  const dir = join(tmp(), "folder", "r");
  const names = (await readdir(dir)).filter((n) => n.startsWith("preds_"));
  expected = new Map(await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n))] as const)));
});

const stores = testBlobStores(tmp, "runs");

describe.each(stores)("BlobRunOutput on %s", (_, createStore) => {
  it("writes the same prediction bytes as the folder run, the manifest last, nothing partial", async () => {
    const store = await createStore();
    const manifest = await scoreBatch({ runId: "r", data: REFERENCE_DATA, models: REFERENCE_MODELS, engine: "auto", workers: 0, output: await BlobRunOutput.create(store, "r") });
    expect(manifest.totals).toMatchObject({ scored: 15, scoredRows: 17_768 });
    const names: string[] = [];
    for await (const item of store.list("r/")) names.push(item.name);
    expect(names.sort()).toEqual(["r/_input.json", "r/_manifest.json", ...[...expected.keys()].map((n) => `r/${n}`)].sort());
    for (const [name, bytes] of expected) expect(Buffer.from(await store.get(`r/${name}`)).equals(bytes), name).toBe(true);
    expect(RunManifest.parse(JSON.parse(Buffer.from(await store.get("r/_manifest.json")).toString("utf8")))).toEqual(manifest);
  });

  it("resumes from the blobs already committed", async () => {
    const store = await createStore();
    await scoreBatch({ runId: "r", data: REFERENCE_DATA, models: REFERENCE_MODELS, engine: "auto", workers: 0, output: await BlobRunOutput.create(store, "r") });
    await store.delete("r/_manifest.json");
    await store.delete("r/preds_2_2.csv");
    const manifest = await scoreBatch({ runId: "r", data: REFERENCE_DATA, models: REFERENCE_MODELS, engine: "auto", workers: 0, resume: true, output: await BlobRunOutput.create(store, "r") });
    expect(manifest.totals).toMatchObject({ scored: 15, resumed: 14 });
    expect(Buffer.from(await store.get("r/preds_2_2.csv")).equals(expected.get("preds_2_2.csv")!)).toBe(true);
  });
});
