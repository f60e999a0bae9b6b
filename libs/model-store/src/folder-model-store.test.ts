import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FolderModelStore, isModelStoreError, type ModelEntry } from "./index.js";
import { REFERENCE_MODELS, copyReferenceModels } from "./test-fixtures/paths.js";

async function collect(store: FolderModelStore): Promise<ModelEntry[]> {
  const out: ModelEntry[] = [];
  for await (const m of store.list()) out.push(m);
  return out;
}

async function expectStoreError(p: Promise<unknown>, code: string, messagePart: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isModelStoreError(err), `expected a ModelStoreError, got ${String(err)}`).toBe(true);
  expect((err as { code: string }).code).toBe(code);
  expect((err as Error).message).toContain(messagePart);
}

describe("FolderModelStore", () => {
  it("lists the 15 reference models in device, sensor order with both artifacts", async () => {
    const models = await collect(await FolderModelStore.create(REFERENCE_MODELS));
    expect(models.map((m) => m.modelId)).toEqual(
      [1, 2, 3].flatMap((d) => [1, 2, 3, 4, 5].map((s) => `${d}_${s}`)),
    );
    for (const m of models) {
      expect(m.onnxName).toBe(`model_${m.modelId}.onnx`);
      expect(m.paramsName).toBe(`model_${m.modelId}.json`);
      expect(m.sizeInBytes).toBeGreaterThan(100);
    }
  });

  it("gets a model with its bytes, sha256 and float64 parameters", async () => {
    const store = await FolderModelStore.create(REFERENCE_MODELS);
    const m = await store.get({ deviceId: "2", sensorId: "3" });
    const bytes = await readFile(join(REFERENCE_MODELS, "model_2_3.onnx"));
    const json = await readFile(join(REFERENCE_MODELS, "model_2_3.json"));
    expect(m.modelId).toBe("2_3");
    expect(Buffer.from(m.onnx!)).toEqual(bytes);
    expect(m.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(m.paramsSha256).toBe(createHash("sha256").update(json).digest("hex"));
    expect(m.params?.svm.kernel).toBe("rbf");
    expect(m.params?.svm.rho).toBe(JSON.parse(json.toString()).svm.rho);
  });

  it("orders numeric ids numerically and ignores files outside the seed naming", async () => {
    const dir = await copyReferenceModels();
    try {
      const one = await readFile(join(dir, "model_1_1.onnx"));
      await writeFile(join(dir, "model_10_1.onnx"), one);
      await writeFile(join(dir, "model_9_1.onnx"), one);
      await writeFile(join(dir, "README.txt"), "not a model");
      await writeFile(join(dir, "model_1.onnx"), one);
      const ids = (await collect(await FolderModelStore.create(dir))).map((m) => m.modelId);
      expect(ids.indexOf("9_1")).toBeLessThan(ids.indexOf("10_1"));
      expect(ids).toHaveLength(17);
      const m = await (await FolderModelStore.create(dir)).get({ deviceId: "10", sensorId: "1" });
      expect(m.params).toBeUndefined();
      expect(m.onnx?.byteLength).toBe(one.byteLength);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reports a missing model, a missing folder and a file that is not a folder", async () => {
    const store = await FolderModelStore.create(REFERENCE_MODELS);
    await expectStoreError(store.get({ deviceId: "9", sensorId: "9" }), "ModelNotFound", "model_9_9.onnx");
    await expectStoreError(FolderModelStore.create("/nonexistent/models"), "InvalidLocation", "/nonexistent/models");
    await expectStoreError(
      FolderModelStore.create(join(REFERENCE_MODELS, "model_1_1.onnx")),
      "InvalidLocation",
      "is not a folder",
    );
  });

  it("refuses corrupt parameters and empty models, naming the file and the field", async () => {
    const dir = await copyReferenceModels();
    try {
      const store = await FolderModelStore.create(dir);
      await writeFile(join(dir, "model_1_2.json"), "{ not json");
      await expectStoreError(store.get({ deviceId: "1", sensorId: "2" }), "CorruptModel", "model_1_2.json are not valid JSON");

      const params = JSON.parse(await readFile(join(dir, "model_1_3.json"), "utf8"));
      params.svm.dualCoef = [1];
      params.scaler.scale = [0];
      await writeFile(join(dir, "model_1_3.json"), JSON.stringify(params));
      const err = await store.get({ deviceId: "1", sensorId: "3" }).catch((e: unknown) => e as Error);
      expect(isModelStoreError(err)).toBe(true);
      expect((err as Error).message).toContain("svm.dualCoef");
      expect((err as Error).message).toContain("scaler.scale");

      await writeFile(join(dir, "model_1_4.onnx"), "");
      await expectStoreError(store.get({ deviceId: "1", sensorId: "4" }), "CorruptModel", "model_1_4.onnx is empty");

      await rm(join(dir, "model_1_5.onnx"));
      await mkdir(join(dir, "model_1_5.onnx"));
      await expectStoreError(store.get({ deviceId: "1", sensorId: "5" }), "Unreadable", "model_1_5.onnx");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("stops listing when aborted", async () => {
    const store = await FolderModelStore.create(REFERENCE_MODELS);
    const controller = new AbortController();
    controller.abort();
    await expect(async () => {
      for await (const _ of store.list({ abortSignal: controller.signal })) {
        /* never reached */
      }
    }).rejects.toThrow();
  });
});
