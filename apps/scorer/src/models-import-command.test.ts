import { createReadStream } from "node:fs";
import { copyFile, mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { describe, expect, it } from "vitest";
import { REFERENCE_DATA, REFERENCE_MODELS, SHARED_FIXTURES, runScorer } from "./test-fixtures/run-scorer.js";
import { readPredictionFiles, useScorerTempDir } from "./test-fixtures/scorer-suite.js";

const tmp = useScorerTempDir();

/** Scores `models` on `data` and returns the prediction files by name. */
async function predictions(models: string, data: string, out: string): Promise<Map<string, Buffer>> {
  const r = await runScorer(["score", "--models", models, "--data", data, "--out", out, "--run-id", "r", "--workers", "1"]);
  expect(r.code, r.stderr).toBe(0);
  return readPredictionFiles(join(out, "r"));
}

function expectSameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [name, bytes] of a) expect(bytes.equals(b.get(name)!), name).toBe(true);
}

describe("scorer models import (built CLI)", () => {
  it("converts the 15 reference pickles; scoring them gives the fixtures' models' prediction files, byte for byte", async () => {
    const to = join(tmp(), "reference");
    const r = await runScorer(["models", "import", "--from", join(SHARED_FIXTURES, "reference/seed-pickles"), "--to", to]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("15 converted, 0 refused, 0 skipped");
    expectSameFiles(await predictions(to, REFERENCE_DATA, join(tmp(), "out-converted")), await predictions(REFERENCE_MODELS, REFERENCE_DATA, join(tmp(), "out-fixtures")));
    const again = await runScorer(["models", "import", "--from", join(SHARED_FIXTURES, "reference/seed-pickles"), "--to", to]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("0 converted, 0 refused, 15 skipped");
    expect((await runScorer(["models", "import", "--from", join(SHARED_FIXTURES, "reference/seed-pickles"), "--to", to, "--overwrite"])).stdout).toContain("15 converted");
  });

  it("a sample of synthetic-5k's pickles scores exactly as synthetic-5k/models on their rows", { timeout: 300_000 }, async () => {
    // Devices 1, 101, 201, 301, 401 x 10 sensors: 50 models; their rows of the 3M-row data file.
    const devices = new Set(["1", "101", "201", "301", "401"]);
    const pickles = join(tmp(), "5k-pickles");
    const fixtureModels = join(tmp(), "5k-models");
    await Promise.all([mkdir(pickles), mkdir(fixtureModels)]);
    for (const d of devices) {
      for (let s = 1; s <= 10; s++) {
        await copyFile(join(SHARED_FIXTURES, `synthetic-5k/models-pickle/model_${d}_${s}.pkl`), join(pickles, `model_${d}_${s}.pkl`));
        for (const ext of ["json", "onnx"]) await copyFile(join(SHARED_FIXTURES, `synthetic-5k/models/model_${d}_${s}.${ext}`), join(fixtureModels, `model_${d}_${s}.${ext}`));
      }
    }
    const lines: string[] = [];
    const rl = createInterface({ input: createReadStream(join(SHARED_FIXTURES, "synthetic-5k/sensor_data.csv.gz")).pipe(createGunzip()) });
    for await (const line of rl) if (lines.length === 0 || devices.has(line.split(",", 3)[1]!)) lines.push(line);
    const data = join(tmp(), "5k-sample.csv");
    await writeFile(data, `${lines.join("\n")}\n`);
    expect(lines.length).toBeGreaterThan(50 * 400);

    const to = join(tmp(), "5k-converted");
    const r = await runScorer(["models", "import", "--from", pickles, "--to", to]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("50 converted, 0 refused, 0 skipped");
    expectSameFiles(await predictions(to, data, join(tmp(), "5k-out-converted")), await predictions(fixtureModels, data, join(tmp(), "5k-out-fixtures")));
  });

  it("refuses hostile and unsupported files with their reasons (exit 3), converts the rest, leaves no partial output", async () => {
    const to = join(tmp(), "variants");
    const r = await runScorer(["models", "import", "--from", join(import.meta.dirname, "../../../libs/sklearn-import/src/test-fixtures/pickles"), "--to", to]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain("10 converted, 11 refused, 1 skipped");
    expect(r.stdout).toContain("refused model_9_1.pkl [ForbiddenGlobal]: refuses the global posix.system");
    expect(r.stdout).toContain("refused model_8_1.pkl [UnsupportedEstimator]: refuses the global sklearn.svm._classes.SVC: it is scikit-learn's SVC");
    expect(r.stdout).toContain("skipped expected.json: not named model_<device>_<sensor>[.pkl|.joblib]");
    expect((await readdir(to)).filter((n) => !/^model_[0-9]_[0-9]\.(json|onnx)$/.test(n))).toEqual([]);
  });

  it("a missing --from is a usage error (exit 2) naming the flag", async () => {
    const r = await runScorer(["models", "import", "--from", join(tmp(), "nope"), "--to", join(tmp(), "x")]);
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toContain("--from:");
    const usage = await runScorer(["models", "import", "--to", join(tmp(), "x")]);
    expect(usage.code).toBe(2);
  });
});
