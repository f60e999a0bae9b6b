import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModelParams } from "@fleetscore/contracts";
import { afterAll, describe, expect, it } from "vitest";
import { importSklearnModels } from "./index.js";

const FIXTURES = join(import.meta.dirname, "../../../../shared/fixtures");
const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((t) => rm(t, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "sklearn-import-"));
  temps.push(dir);
  return dir;
}

/** Every float64 of the two parameter sets is the same value (Object.is: 0 and -0 differ, NaN equals NaN). */
function expectSameParams(actual: ModelParams, expected: ModelParams, name: string): void {
  const flat = (p: ModelParams) => [...p.scaler.mean, ...p.scaler.scale, ...p.svm.supportVectors.flat(), ...p.svm.dualCoef, p.svm.rho, p.svm.gamma, p.svm.coef0, p.svm.degree];
  expect(actual.nFeatures, name).toBe(expected.nFeatures);
  expect(actual.svm.kernel, name).toBe(expected.svm.kernel);
  expect(actual.svm.supportVectors.length, name).toBe(expected.svm.supportVectors.length);
  const a = flat(actual);
  const b = flat(expected);
  expect(a.length, name).toBe(b.length);
  a.forEach((v, i) => expect(Object.is(v, b[i]), `${name}: value ${i} is ${v}, expected ${b[i]}`).toBe(true));
}

async function compareFolders(converted: string, expected: string, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    const [a, b] = await Promise.all([readFile(join(converted, `${id}.json`), "utf8"), readFile(join(expected, `${id}.json`), "utf8")]);
    expectSameParams(ModelParams.parse(JSON.parse(a)), ModelParams.parse(JSON.parse(b)), id);
  }
}

describe("importSklearnModels on the reference architecture's 15 scikit-learn 0.19.2 pickles", () => {
  it("converts all of them to parameters bit-identical to the fixtures' .json", async () => {
    const to = await tempDir();
    const summary = await importSklearnModels(join(FIXTURES, "reference/seed-pickles"), to);
    expect(summary.refused).toEqual([]);
    expect(summary.skipped).toEqual([]);
    expect(summary.converted).toHaveLength(15);
    expect(summary.converted[0]).toMatchObject({ file: "model_1_1", modelId: "1_1", estimator: "Pipeline(StandardScaler, OneClassSVM)", sklearnVersion: "0.19.2" });
    const ids = summary.converted.map((c) => `model_${c.modelId}`);
    await compareFolders(to, join(FIXTURES, "reference/models"), ids);
    expect((await readdir(to)).sort()).toEqual(ids.flatMap((id) => [`${id}.json`, `${id}.onnx`]).sort());
  });
});

describe("importSklearnModels on synthetic-5k's 5,000 scikit-learn 1.2.1 pickles", () => {
  it("converts every one to parameters bit-identical to synthetic-5k/models/*.json", { timeout: 600_000 }, async () => {
    const to = await tempDir();
    const summary = await importSklearnModels(join(FIXTURES, "synthetic-5k/models-pickle"), to);
    expect(summary.refused).toEqual([]);
    expect(summary.skipped).toEqual([]);
    expect(summary.converted).toHaveLength(5000);
    expect(new Set(summary.converted.map((c) => c.sklearnVersion))).toEqual(new Set(["1.2.1"]));
    await compareFolders(to, join(FIXTURES, "synthetic-5k/models"), summary.converted.map((c) => `model_${c.modelId}`));
  });
});
