import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const SHARED_FIXTURES = resolve(import.meta.dirname, "../../../../../shared/fixtures");
export const REFERENCE_DATA = join(SHARED_FIXTURES, "reference/sensor_data.csv");
export const REFERENCE_MODELS = join(SHARED_FIXTURES, "reference/models");
/** The built scorer CLI (the test target builds it first). */
export const SCORER_MAIN = resolve(import.meta.dirname, "../../../../apps/scorer/dist/main.js");
/** Stand-ins for the scorer that misbehave on purpose, then run the real one (see wrappers/). */
export const WRAPPERS = resolve(import.meta.dirname, "wrappers");

export const makeTempDir = (prefix: string): Promise<string> => mkdtemp(join(tmpdir(), prefix));
