import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FolderBlobStore } from "@fleetscore/storage";
import { openBlobStore } from "@fleetscore/storage/azure";
import { afterAll, describe, expect, it } from "vitest";
import {
  BlobModelStore,
  FolderModelStore,
  ModelCache,
  isModelStoreError,
  listModelVersions,
  openModelStore,
  pushModelVersion,
  type ModelStore,
} from "./index.js";
import { azuriteEnv, newAzuriteLocation } from "./test-fixtures/azurite.js";
import { REFERENCE_MODELS, copyReferenceModels } from "./test-fixtures/paths.js";

const temps: string[] = [];
async function tempDir(prefix = "fleetscore-vms-"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

async function errorOf(p: Promise<unknown>): Promise<Error & { code?: string }> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e as Error & { code?: string },
  );
}

async function loadAll(store: ModelStore): Promise<number> {
  let n = 0;
  for await (const entry of store.list()) {
    await store.get(entry);
    n++;
  }
  return n;
}

const at = (iso: string) => () => new Date(iso);

for (const backend of ["folder", "azurite"] as const) {
  const newLocation = async (): Promise<string> =>
    backend === "folder" ? join(await tempDir(), "store") : (await newAzuriteLocation("models")).location;
  const env = backend === "azurite" ? azuriteEnv() : {};

  describe(`versioned model store (${backend})`, () => {
    it("pushes versions, lists them newest first, moves current and pins a version", async () => {
      const location = await newLocation();
      const v1 = await pushModelVersion(REFERENCE_MODELS, location, { env, now: at("2026-11-25T17:15:00Z") });
      expect(v1.version).toMatch(/^v20261125T171500Z-[0-9a-f]{6}$/);
      expect(v1.files).toHaveLength(30);
      expect(v1.models).toBe(15);
      const first = await openModelStore(location, { env });
      expect(first.version).toBe(v1.version);
      expect(first.location).toBe(`${first.location.slice(0, -v1.version.length - 1)}@${v1.version}`);

      const v2 = await pushModelVersion(REFERENCE_MODELS, location, { env, now: at("2026-11-26T08:00:00Z") });
      const versions = await listModelVersions(location, { env });
      expect(versions.map((v) => [v.version, v.models, v.current])).toEqual([
        [v2.version, 15, true],
        [v1.version, 15, false],
      ]);
      expect((await openModelStore(location, { env })).version).toBe(v2.version);
      // The resolved location opens the same version again (as a worker thread would), even after current moved.
      const again = await openModelStore(first.location, { env });
      expect(again.version).toBe(v1.version);
      expect(again.location).toBe(first.location);
      expect(await loadAll(again)).toBe(15);
      expect((await openModelStore(`${location}@${v2.version}`, { env })).version).toBe(v2.version);

      const missing = await errorOf(openModelStore(`${location}@v19990101T000000Z-000000`, { env }));
      expect(missing.code).toBe("InvalidLocation");
      expect(missing.message).toContain("v19990101T000000Z-000000");
    });

    it("refuses to push the same version id twice (versions are immutable)", async () => {
      const location = await newLocation();
      await pushModelVersion(REFERENCE_MODELS, location, { env, version: "v1" });
      const err = await errorOf(pushModelVersion(REFERENCE_MODELS, location, { env, version: "v1" }));
      expect(isModelStoreError(err)).toBe(true);
      expect(err.code).toBe("VersionExists");
      expect(err.message).toContain("v1");
      expect((await listModelVersions(location, { env })).map((v) => v.version)).toEqual(["v1"]);
    });

    it("keeps both versions when two pushes run at once; current is one of them", async () => {
      const location = await newLocation();
      await pushModelVersion(REFERENCE_MODELS, location, { env, version: "v0" });
      const [a, b] = await Promise.all([
        pushModelVersion(REFERENCE_MODELS, location, { env, version: "va" }),
        pushModelVersion(REFERENCE_MODELS, location, { env, version: "vb" }),
      ]);
      const versions = await listModelVersions(location, { env });
      expect(versions.map((v) => v.version).sort()).toEqual(["v0", "va", "vb"]);
      const current = versions.filter((v) => v.current).map((v) => v.version);
      expect(current).toHaveLength(1);
      expect([a.version, b.version]).toContain(current[0]);
    });

    it("reports a blob changed after the push as ChecksumMismatch for that model only", async () => {
      const location = await newLocation();
      const { version } = await pushModelVersion(REFERENCE_MODELS, location, { env });
      const blobs = backend === "folder" ? await FolderBlobStore.create(location) : (await newAzuriteLocationFor(location)).store;
      await blobs.put(`versions/${version}/model_2_3.onnx`, Buffer.from("tampered"));
      const store = await openModelStore(location, { env });
      const err = await errorOf(store.get({ deviceId: "2", sensorId: "3" }));
      expect(err.code).toBe("ChecksumMismatch");
      expect(err.message).toContain(`versions/${version}/model_2_3.onnx`);
      const expected = (await (store as BlobModelStore).record.files.find((f) => f.name === "model_2_3.onnx"))!.sha256;
      expect(err.message).toContain(expected);
      expect(err.message).toMatch(/has sha256 [0-9a-f]{64}/);
      const ok = await store.get({ deviceId: "2", sensorId: "4" });
      expect(ok.params?.svm.kernel).toBe("rbf");
    });

    it("serves a second open from the cache: nothing downloaded", async () => {
      const location = await newLocation();
      await pushModelVersion(REFERENCE_MODELS, location, { env });
      const cacheDir = await tempDir();
      const cold = (await openModelStore(location, { env, cacheDir })) as BlobModelStore;
      await cold.prefetch();
      expect(cold.stats.downloads).toBe(30);
      expect(cold.stats.bytesDownloaded).toBeGreaterThan(0);
      const warm = (await openModelStore(location, { env, cacheDir })) as BlobModelStore;
      expect(await loadAll(warm)).toBe(15);
      expect(warm.stats).toMatchObject({ downloads: 0, bytesDownloaded: 0, cacheHits: 30, cacheMisses: 0 });
    });

    it("rejects with an AbortError when aborted", async () => {
      const location = await newLocation();
      await pushModelVersion(REFERENCE_MODELS, location, { env });
      const controller = new AbortController();
      controller.abort();
      expect((await errorOf(openModelStore(location, { env, abortSignal: controller.signal }))).name).toBe("AbortError");
      expect((await errorOf(pushModelVersion(REFERENCE_MODELS, location, { env, abortSignal: controller.signal }))).name).toBe("AbortError");
      const store = await openModelStore(location, { env });
      expect((await errorOf(store.get({ deviceId: "1", sensorId: "1" }, { abortSignal: controller.signal }))).name).toBe("AbortError");
    });
  });
}

async function newAzuriteLocationFor(location: string) {
  return { store: await openBlobStore(location, { env: azuriteEnv() }) };
}

describe("pushModelVersion input checks", () => {
  it("refuses a folder without models and files outside the seed naming", async () => {
    const empty = await tempDir();
    const to = join(await tempDir(), "store");
    const none = await errorOf(pushModelVersion(empty, to));
    expect(none.code).toBe("InvalidInput");
    expect(none.message).toContain("holds no models");
    const dir = await copyReferenceModels();
    temps.push(dir);
    await writeFile(join(dir, "notes.txt"), "x");
    const bad = await errorOf(pushModelVersion(dir, to));
    expect(bad.code).toBe("InvalidInput");
    expect(bad.message).toContain("notes.txt");
    expect((await errorOf(pushModelVersion(REFERENCE_MODELS, to, { version: "../x" }))).code).toBe("InvalidInput");
  });

  it("keeps opening a plain seed folder as a FolderModelStore", async () => {
    const store = await openModelStore(REFERENCE_MODELS);
    expect(store).toBeInstanceOf(FolderModelStore);
    expect(store.version).toBeUndefined();
    expect(store.location).toBe(REFERENCE_MODELS);
  });
});

describe("ModelCache", () => {
  it("evicts the least recently used files beyond its size bound", async () => {
    const dir = await tempDir();
    const location = join(await tempDir(), "store");
    await pushModelVersion(REFERENCE_MODELS, location);
    const sizes = await Promise.all((await readdir(REFERENCE_MODELS)).map(async (n) => (await stat(join(REFERENCE_MODELS, n))).size));
    const total = sizes.reduce((a, b) => a + b, 0);
    const bound = Math.floor(total / 2);
    const store = (await openModelStore(location, { cacheDir: dir, cacheMaxSizeInBytes: bound })) as BlobModelStore;
    await loadAll(store);
    const cache = await ModelCache.create(dir, { maxSizeInBytes: bound });
    expect(cache.sizeInBytes).toBeLessThanOrEqual(bound);
    expect(cache.sizeInBytes).toBeGreaterThan(0);
    // The last model loaded is still cached, the first was evicted.
    const last = store.record.files.find((f) => f.name === "model_3_5.onnx")!;
    const first = store.record.files.find((f) => f.name === "model_1_1.onnx")!;
    expect(await cache.get(last.sha256)).toBeDefined();
    expect(await cache.get(first.sha256)).toBeUndefined();
  });

  it("treats a damaged cached file as a miss and downloads it again", async () => {
    const dir = await tempDir();
    const location = join(await tempDir(), "store");
    await pushModelVersion(REFERENCE_MODELS, location);
    await (await openModelStore(location, { cacheDir: dir }) as BlobModelStore).prefetch();
    const store = (await openModelStore(location, { cacheDir: dir })) as BlobModelStore;
    const file = store.record.files.find((f) => f.name === "model_1_1.onnx")!;
    const path = join(dir, file.sha256.slice(0, 2), file.sha256);
    expect((await readFile(path)).byteLength).toBe(file.sizeInBytes);
    await writeFile(path, "garbage");
    const model = await store.get({ deviceId: "1", sensorId: "1" });
    expect(model.sha256).toBe(file.sha256);
    expect(store.stats).toMatchObject({ downloads: 1, cacheMisses: 1, cacheHits: 1 });
  });
});
