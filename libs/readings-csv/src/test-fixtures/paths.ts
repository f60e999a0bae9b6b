import { resolve } from "node:path";

/** The reference data committed in the repo (data/reference). */
export const REFERENCE_DATA = resolve(import.meta.dirname, "../../../../data/reference/sensor_data.csv");
