import { join, resolve } from "node:path";

/**
 * The shared fixtures folder (`shared/fixtures` beside the checkout): the reference data and models and the
 * synthetic sets. From `src/` and from `dist/` alike it is four levels up.
 */
export const SHARED_FIXTURES = resolve(import.meta.dirname, "../../../../shared/fixtures");
/** The reference architecture's readings CSV. */
export const REFERENCE_DATA = join(SHARED_FIXTURES, "reference/sensor_data.csv");
/** The reference architecture's models (float64 .json and .onnx per device and sensor). */
export const REFERENCE_MODELS = join(SHARED_FIXTURES, "reference/models");
