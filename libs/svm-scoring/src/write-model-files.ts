import { randomBytes } from "node:crypto";
import { rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { seedModelFileName, type ModelKey, type ModelParams } from "@fleetscore/contracts";
import { encodeOnnxSvmModel } from "./encode-onnx-svm-model.js";

/**
 * Writes `model_<D>_<S>.json` (the float64 parameters) and `model_<D>_<S>.onnx` (svm-scoring's encoder, the
 * skl2onnx layout) into `dir`: each under a temporary name, then renamed, the `.json` first, so the scorer
 * (which lists `.onnx` files) never sees half a model; on a failure no temporary file stays. Replaces a model
 * already there. Used by `models import` (sklearn-import) and `models train` (svm-training).
 */
export async function writeModelFiles(dir: string, key: ModelKey, params: ModelParams, producerName: string): Promise<void> {
  const onnx = encodeOnnxSvmModel(params, {
    graphName: `model_${key.deviceId}_${key.sensorId}`,
    producerName,
    metadata: { device: key.deviceId, sensor: key.sensorId, ...(params.source && { source: params.source }) },
  });
  const files = [
    [seedModelFileName(key, "json"), `${JSON.stringify(params, null, 1)}\n`],
    [seedModelFileName(key, "onnx"), onnx],
  ] as const;
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const temps = files.map(([name]) => join(dir, `.${name}.${tag}.tmp`));
  try {
    await Promise.all(files.map(([, data], i) => writeFile(temps[i]!, data)));
    for (const [i, [name]] of files.entries()) await rename(temps[i]!, join(dir, name));
  } catch (e) {
    await Promise.all(temps.map((t) => unlink(t).catch(() => undefined)));
    throw e;
  }
}
