import { seededRandom } from "@fleetscore/test-support";
import { createReadStream, existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { ModelParams, parseModelId, type ModelArtifact } from "@fleetscore/contracts";

/** /work/shared/fixtures, read-only: tests only read from it. */
export const FIXTURES = resolve(import.meta.dirname, "../../../../../shared/fixtures");
export const REFERENCE_MODELS = resolve(FIXTURES, "reference/models");
export const REFERENCE_CSV = resolve(FIXTURES, "reference/sensor_data.csv");
export const SYNTHETIC_MODELS = resolve(FIXTURES, "synthetic-2k/models");
export const SYNTHETIC_CSV_GZ = resolve(FIXTURES, "synthetic-2k/sensor_data.csv.gz");

if (!existsSync(REFERENCE_CSV)) throw new Error(`Fixtures not found at ${FIXTURES} (expected /work/shared/fixtures)`);

export const REFERENCE_IDS = [1, 2, 3].flatMap((d) => [1, 2, 3, 4, 5].map((s) => `${d}_${s}`));

/** A model artifact as a model store would hand it over; `with` picks which files to include. */
export async function loadArtifact(dir: string, modelId: string, include: { onnx?: boolean; params?: boolean } = {}): Promise<ModelArtifact> {
  const { deviceId, sensorId } = parseModelId(modelId);
  const onnxPath = resolve(dir, `model_${modelId}.onnx`);
  const jsonPath = resolve(dir, `model_${modelId}.json`);
  return {
    deviceId,
    sensorId,
    modelId,
    source: onnxPath,
    ...(include.onnx !== false && { onnx: new Uint8Array(await readFile(onnxPath)) }),
    ...(include.params !== false && { params: ModelParams.parse(JSON.parse(await readFile(jsonPath, "utf8"))) }),
  };
}

/** Values of the reference CSV grouped by model id (`<device>_<sensor>`), in file order. */
export async function readReferenceValues(): Promise<Map<string, Float64Array>> {
  const text = await readFile(REFERENCE_CSV, "utf8");
  const groups = new Map<string, number[]>();
  for (const line of text.split("\n").slice(1)) {
    if (!line) continue;
    const [, device, sensor, value] = line.split(",");
    const id = `${device}_${sensor}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = []));
    g.push(Number(value));
  }
  return new Map([...groups].map(([id, values]) => [id, Float64Array.from(values)]));
}

/**
 * Streams the synthetic data and keeps up to `perModel` values for each of `modelIds`, stopping as
 * soon as every model has them.
 */
export async function readSyntheticValues(modelIds: readonly string[], perModel: number): Promise<Map<string, Float64Array>> {
  const wanted = new Map(modelIds.map((id) => [id, [] as number[]]));
  let missing = modelIds.length;
  const stream = createReadStream(SYNTHETIC_CSV_GZ).pipe(createGunzip());
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let header = true;
  for await (const line of lines) {
    if (header) {
      header = false;
      continue;
    }
    const [, device, sensor, value] = line.split(",");
    const g = wanted.get(`${device}_${sensor}`);
    if (!g || g.length >= perModel) continue;
    g.push(Number(value));
    if (g.length === perModel && --missing === 0) break;
  }
  lines.close();
  stream.destroy();
  return new Map([...wanted].map(([id, values]) => [id, Float64Array.from(values)]));
}

/** A deterministic sample of the synthetic model ids (every 50th of 200 devices x 10 sensors, spread over sensors). */
export function syntheticSample(count: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const device = 1 + ((i * 37) % 200);
    const sensor = 1 + (i % 10);
    ids.push(`${device}_${sensor}`);
  }
  return ids;
}

/** Small deterministic PRNG (mulberry32) for generated inputs. */
export const prng = seededRandom;

/** The 15 reference models, in {@link REFERENCE_IDS} order. */
export function loadReferenceArtifacts(include: { onnx?: boolean; params?: boolean } = {}): Promise<ModelArtifact[]> {
  return Promise.all(REFERENCE_IDS.map((id) => loadArtifact(REFERENCE_MODELS, id, include)));
}
