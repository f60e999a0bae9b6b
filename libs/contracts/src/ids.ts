import { z } from "zod";

/**
 * Device and sensor ids appear in file and blob names (`model_<device>_<sensor>.onnx`), so they are
 * restricted to characters that are safe there; `_` is excluded because it separates the two ids.
 */
export const DeviceId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$/, "must be 1-64 of A-Z a-z 0-9 . - (starting with a letter or digit; no _)");
export type DeviceId = z.infer<typeof DeviceId>;

export const SensorId = DeviceId;
export type SensorId = z.infer<typeof SensorId>;

/** Identifies one model: one device x sensor pair. */
export interface ModelKey {
  readonly deviceId: DeviceId;
  readonly sensorId: SensorId;
}

/** `"<device>_<sensor>"`: the id used in file names, manifests and logs. */
export function modelId(key: ModelKey): string {
  return `${key.deviceId}_${key.sensorId}`;
}

/**
 * The inverse of {@link modelId}: `"<device>_<sensor>"` back to its key (ids never contain `_`).
 * @throws RangeError when `id` has no `_` (not a model id).
 */
export function parseModelId(id: string): ModelKey {
  const sep = id.indexOf("_");
  if (sep <= 0) throw new RangeError(`"${id}" is not a model id (<device>_<sensor>)`);
  return { deviceId: id.slice(0, sep), sensorId: id.slice(sep + 1) };
}

const SEED_MODEL_FILE = /^model_([A-Za-z0-9][A-Za-z0-9.-]{0,63})_([A-Za-z0-9][A-Za-z0-9.-]{0,63})\.(onnx|json)$/;

/** The seed naming of a model artifact: `model_<device>_<sensor>.onnx` (and its `.json` sibling). */
export function seedModelFileName(key: ModelKey, kind: "onnx" | "json"): string {
  return `model_${key.deviceId}_${key.sensorId}.${kind}`;
}

/** Parses a seed file name; returns undefined for any other name. */
export function parseSeedModelFileName(
  fileName: string,
): (ModelKey & { readonly kind: "onnx" | "json" }) | undefined {
  const m = SEED_MODEL_FILE.exec(fileName);
  if (!m) return undefined;
  return { deviceId: m[1]!, sensorId: m[2]!, kind: m[3] as "onnx" | "json" };
}

/** Run ids become folder / blob prefixes. */
export const RunId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, "must be 1-128 of A-Z a-z 0-9 . _ - (starting with a letter or digit)");
export type RunId = z.infer<typeof RunId>;
