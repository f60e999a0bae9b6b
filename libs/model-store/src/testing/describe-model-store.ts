import { requireTestFramework, type TestFramework as BaseTestFramework } from "@fleetscore/test-support";
import { createHash } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { ModelStore } from "../model-store.js";

/** The test-framework hooks the suite needs (vitest's, jest's or mocha+chai's fit). */
export type TestFramework = BaseTestFramework<{ toBe(expected: unknown): void; toEqual(expected: unknown): void; toBeDefined(): void }>;

/** A model file to seed the store with, in the seed naming (`model_<D>_<S>.onnx` / `.json`). */
export interface SeedFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface DescribeModelStoreOptions {
  /** `{ describe, it, expect }` from your test framework. */
  readonly framework: TestFramework;
  /** A folder of seed-named models to load into each new store (e.g. the reference fixtures' models/). */
  readonly seedFolder: string;
}

/** Reads a folder of seed-named model files, for `createStore`. */
export async function readSeedFiles(folder: string): Promise<SeedFile[]> {
  const names = (await readdir(folder)).filter((n) => /^model_.+_.+\.(onnx|json)$/.test(n)).sort();
  return Promise.all(names.map(async (name) => ({ name, bytes: await readFile(join(folder, name)) })));
}

/**
 * The behaviour every ModelStore must have, as a test suite: run it once per implementation, e.g.
 * `describeModelStore("folder", (files) => makeFolderStore(files), { framework: { describe, it, expect }, seedFolder })`.
 * `createStore` gets the seed files and returns a store holding exactly them.
 */
export function describeModelStore(
  name: string,
  createStore: (files: readonly SeedFile[]) => Promise<ModelStore>,
  options: DescribeModelStoreOptions,
): void {
  const { describe, it, expect }: TestFramework = requireTestFramework(options?.framework, `describeModelStore(${JSON.stringify(name)})`, `describeModelStore(${JSON.stringify(name)}, createStore, { framework: { describe, it, expect }, seedFolder })`);
  const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

  describe(`ModelStore conformance: ${name}`, () => {
    it("lists every seeded model once, in device then sensor order", async () => {
      const files = await readSeedFiles(options.seedFolder);
      const store = await createStore(files);
      const ids: string[] = [];
      for await (const entry of store.list()) ids.push(entry.modelId);
      const expected = [...new Set(files.map((f) => f.name.replace(/^model_(.+)\.(onnx|json)$/, "$1")))];
      expect(new Set(ids).size, "no duplicates").toBe(ids.length);
      expect([...ids].sort(), "same models").toEqual([...expected].sort());
      const numeric = (id: string): number[] => id.split("_").map(Number);
      const sorted = [...ids].sort((a, b) => numeric(a)[0]! - numeric(b)[0]! || numeric(a)[1]! - numeric(b)[1]!);
      if (ids.every((id) => numeric(id).every(Number.isFinite))) expect(ids, "numeric order").toEqual(sorted);
    });

    it("gets each model's exact bytes with their sha256 and its float64 parameters", async () => {
      const files = await readSeedFiles(options.seedFolder);
      const store = await createStore(files);
      for await (const entry of store.list()) {
        const model = await store.get(entry);
        const onnx = files.find((f) => f.name === `model_${entry.modelId}.onnx`);
        const json = files.find((f) => f.name === `model_${entry.modelId}.json`);
        expect(model.modelId).toBe(entry.modelId);
        if (onnx) {
          expect(Buffer.from(model.onnx!).equals(Buffer.from(onnx.bytes)), `${entry.modelId} bytes`).toBe(true);
          expect(model.sha256).toBe(sha(onnx.bytes));
        }
        if (json) {
          expect(model.paramsSha256).toBe(sha(json.bytes));
          expect(model.params?.svm.rho).toBe(JSON.parse(Buffer.from(json.bytes).toString("utf8")).svm.rho);
        }
      }
    });

    it("reports a missing model as ModelNotFound, naming it", async () => {
      const store = await createStore(await readSeedFiles(options.seedFolder));
      const err = await store.get({ deviceId: "nope", sensorId: "0" }).then(() => undefined, (e: unknown) => e as Error & { code?: string });
      expect(err?.name).toBe("ModelStoreError");
      expect(err?.code).toBe("ModelNotFound");
      expect(err?.message.includes("nope"), "message names the device").toBe(true);
    });

    it("reports corrupt parameters as CorruptModel", async () => {
      const seed = await readSeedFiles(options.seedFolder);
      const broken = seed.find((f) => f.name.endsWith(".json"));
      expect(broken, "the seed folder needs at least one .json parameter file").toBeDefined();
      const files = seed.map((f) => (f === broken ? { ...f, bytes: Buffer.from("{ broken") } : f));
      const store = await createStore(files);
      const [, deviceId, sensorId] = /^model_(.+)_(.+)\.json$/.exec(broken!.name)!;
      const err = await store.get({ deviceId: deviceId!, sensorId: sensorId! }).then(() => undefined, (e: unknown) => e as Error & { code?: string });
      expect(err?.code).toBe("CorruptModel");
    });

    it("rejects with an AbortError when aborted", async () => {
      const store = await createStore(await readSeedFiles(options.seedFolder));
      const controller = new AbortController();
      controller.abort();
      const listing = (async () => {
        for await (const _ of store.list({ abortSignal: controller.signal })) {
          /* nothing */
        }
      })().then(() => undefined, (e: unknown) => e as Error);
      expect((await listing)?.name).toBe("AbortError");
      const getting = await store.get({ deviceId: "1", sensorId: "1" }, { abortSignal: controller.signal }).then(() => undefined, (e: unknown) => e as Error);
      expect(getting?.name).toBe("AbortError");
    });
  });
}
