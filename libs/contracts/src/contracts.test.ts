import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  ModelParams,
  ReadingCsvRecord,
  RunId,
  WindowAggregate,
  isAnomaly,
  modelId,
  parseReadingTimestamp,
  parseSeedModelFileName,
  seedModelFileName,
} from "./index.js";

const REFERENCE_PARAMS = resolve(import.meta.dirname, "../../../../shared/fixtures/reference/models/model_1_1.json");

describe("ModelParams", () => {
  it("accepts the fixtures' float64 parameters exactly and ignores unknown keys", async () => {
    const json = JSON.parse(await readFile(REFERENCE_PARAMS, "utf8"));
    const params = ModelParams.parse({ ...json, trainedBy: "someone" });
    expect(params.svm.rho).toBe(json.svm.rho);
    expect(params.svm.supportVectors).toEqual(json.svm.supportVectors);
    expect("trainedBy" in params).toBe(false);
    expectTypeOf(params.svm.kernel).toEqualTypeOf<"linear" | "poly" | "rbf" | "sigmoid">();
  });

  it("names every inconsistent field", async () => {
    const json = JSON.parse(await readFile(REFERENCE_PARAMS, "utf8"));
    json.nFeatures = 2;
    json.svm.dualCoef = [1];
    json.svm.kernel = "laplacian";
    const r = ModelParams.safeParse(json);
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join("."));
    expect(paths).toContain("svm.kernel");
    const r2 = ModelParams.safeParse({ ...JSON.parse(await readFile(REFERENCE_PARAMS, "utf8")), nFeatures: 2 });
    expect(r2.error!.issues.map((i) => i.path.join("."))).toEqual(
      expect.arrayContaining(["scaler.mean", "scaler.scale", "svm.supportVectors.0", "svm.supportVectors.1"]),
    );
  });
});

describe("ids and names", () => {
  it("round-trips seed model file names and rejects others", () => {
    const key = { deviceId: "pump-17", sensorId: "3" };
    expect(parseSeedModelFileName(seedModelFileName(key, "onnx"))).toEqual({ ...key, kind: "onnx" });
    expect(modelId(key)).toBe("pump-17_3");
    for (const bad of ["model_1.onnx", "model_1_2_3.onnx", "model_1_2.pkl", "model__2.json", "../model_1_2.onnx"]) {
      expect(parseSeedModelFileName(bad), bad).toBeUndefined();
    }
  });

  it("keeps run ids safe as folder names", () => {
    expect(RunId.safeParse("20261125T153500Z").success).toBe(true);
    for (const bad of ["", "../x", "a/b", ".hidden", "x".repeat(129)]) expect(RunId.safeParse(bad).success, bad).toBe(false);
  });
});

describe("readings", () => {
  it("parses reference and ISO timestamps as UTC and rejects impossible dates", () => {
    expect(parseReadingTimestamp("2018-08-28 23:00:05.000")).toBe(Date.UTC(2018, 7, 28, 23, 0, 5));
    expect(parseReadingTimestamp("2018-08-28T23:00:05.250Z")).toBe(Date.UTC(2018, 7, 28, 23, 0, 5, 250));
    for (const bad of ["2018-02-30 00:00:00", "2018-08-28 24:00:00", "2018-08-28", "28/08/2018 23:00:05", "2018-08-28 23:00:05+02:00"]) {
      expect(parseReadingTimestamp(bad), bad).toBeNaN();
    }
  });

  it("validates CSV records field by field", () => {
    expect(ReadingCsvRecord.safeParse({ TS: "2018-08-28 23:00:05.000", Device: "1", Sensor: "4", Value: "84.53" }).success).toBe(true);
    const r = ReadingCsvRecord.safeParse({ TS: "2018-08-28 23:00:05.000", Device: "1", Sensor: "4", Value: "1e999" });
    expect(r.error?.issues[0]).toMatchObject({ path: ["Value"], message: "must be a finite number" });
  });

  it("checks window aggregates are consistent", () => {
    const w = { deviceId: "1", sensorId: "1", windowStart: "2018-08-28T23:00:00.000Z", windowEnd: "2018-08-28T23:00:05.000Z", count: 2, mean: 1, min: 0, max: 2, stddev: 1.4 };
    expect(WindowAggregate.safeParse(w).success).toBe(true);
    expect(WindowAggregate.safeParse({ ...w, mean: 3 }).error?.issues[0]?.path).toEqual(["mean"]);
    expect(WindowAggregate.safeParse({ ...w, windowEnd: w.windowStart }).success).toBe(false);
  });
});

describe("isAnomaly", () => {
  it("follows libsvm: score <= 0 (and NaN) is an anomaly", () => {
    expect([1e-300, 0, -0, -1, Number.NaN].map(isAnomaly)).toEqual([false, true, true, true, true]);
  });
});
