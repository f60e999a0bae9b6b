import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ModelParams } from "@fleetscore/contracts";
import { decisionFunction, decodeOnnxSvmModel, float64SvmModel } from "@fleetscore/svm-scoring";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importSklearnModel, importSklearnModels, isSklearnImportError, type ImportSummary } from "./index.js";

/** Made by test-fixtures/make-pickles.py with scikit-learn 1.2.1; expected.json is what scikit-learn holds and computes. */
const PICKLES = join(import.meta.dirname, "test-fixtures/pickles");
const MARKER = "/tmp/fleetscore-sklearn-import-hostile-marker";

interface Expected extends ModelParams {
  points: number[][];
  decision: number[] | null;
}
let expected: Record<string, Expected>;
let out: string;
let summary: ImportSummary;

beforeAll(async () => {
  await rm(MARKER, { force: true });
  expected = JSON.parse(await readFile(join(PICKLES, "expected.json"), "utf8"));
  out = await mkdtemp(join(tmpdir(), "sklearn-import-variants-"));
  summary = await importSklearnModels(PICKLES, out);
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

const refusal = (file: string) => summary.refused.find((r) => r.file === file);

describe("importSklearnModels on scikit-learn 1.2.1 variants and hostile files", () => {
  it("converts every valid variant and refuses every other file, each with its own reason", () => {
    expect(summary.converted.map((c) => c.file).sort()).toEqual(Object.keys(expected).sort());
    expect(summary.refused.map((r) => r.file)).toEqual(["model_8_1.pkl", "model_8_2.pkl", "model_8_3.pkl", "model_8_4.pkl", "model_8_5.pkl", "model_8_6.pkl", "model_9_1.pkl", "model_9_2.pkl", "model_9_3.pkl", "model_9_4.pkl", "model_9_5.pkl"]);
    expect(summary.skipped).toEqual([{ file: "expected.json", reason: "not named model_<device>_<sensor>[.pkl|.joblib]" }]);
    expect(summary.converted.find((c) => c.file === "model_2_1.pkl")?.estimator).toBe("OneClassSVM");
  });

  it.each(["model_1_1.pkl", "model_1_2.pkl", "model_1_3.pkl", "model_1_4", "model_2_1.pkl", "model_2_2.pkl", "model_2_3.pkl", "model_3_1.joblib", "model_3_2.joblib", "model_3_3.joblib"])(
    "%s: the parameters scikit-learn holds, bit for bit, and its decision_function within 1e-12",
    async (file) => {
      const want = expected[file]!;
      const id = file.replace(/\..*$/, "");
      const got = ModelParams.parse(JSON.parse(await readFile(join(out, `${id}.json`), "utf8")));
      expect(got.scaler).toEqual(want.scaler);
      expect({ ...got.svm, nu: undefined }).toEqual({ ...want.svm, nu: undefined });
      if (want.decision) {
        const scores = decisionFunction(float64SvmModel(got, id), Float64Array.from(want.points.flat()));
        want.decision.forEach((d, i) => expect(Math.abs(scores[i]! - d), `${file} point ${i}`).toBeLessThan(1e-12));
      }
      const onnx = decodeOnnxSvmModel(await readFile(join(out, `${id}.onnx`)), id);
      expect(onnx.kernel).toBe(want.svm.kernel);
      expect(onnx.supportVectors).toEqual(Float32Array.from(want.svm.supportVectors.flat()));
    },
  );

  it.each([
    // A reduce that would run a command: refused at the global, before anything is called.
    ["model_9_1.pkl", "ForbiddenGlobal", ["refuses the global posix.system", "nothing was executed"]],
    ["model_9_2.pkl", "ForbiddenGlobal", ["refuses the global subprocess.Popen", "nothing was executed"]],
    ["model_9_3.pkl", "ForbiddenGlobal", ["refuses the global __builtin__.eval", "nothing was executed"]],
    ["model_9_4.pkl", "ForbiddenGlobal", ["refuses the global builtins.__import__", "nothing was executed"]],
    ["model_9_5.pkl", "ForbiddenGlobal", ["refuses the global posix.system", "nothing was executed"]],
    ["model_8_1.pkl", "UnsupportedEstimator", ["scikit-learn's SVC"]],
    ["model_8_2.pkl", "UnsupportedEstimator", ["scikit-learn's MinMaxScaler"]],
    ["model_8_3.pkl", "UnsupportedEstimator", ["is a Pipeline(StandardScaler, StandardScaler, OneClassSVM)"]],
    ["model_8_4.pkl", "InvalidParameters", ["OneClassSVM._dual_coef_ has NaN at flat index 0"]],
    ["model_8_5.pkl", "InvalidParameters", ["StandardScaler.mean_ has 2 values but OneClassSVM.support_vectors_ has 1 features"]],
    ["model_8_6.pkl", "InvalidParameters", ["OneClassSVM._intercept_ has shape (3); expected (1,)"]],
  ])("%s is refused as %s, the message naming the file and what is wrong, and nothing ran", (file, code, texts) => {
    const error = refusal(file);
    expect(error).toMatchObject({ code });
    expect(error!.message.startsWith(`${file}: `)).toBe(true);
    for (const text of texts) expect(error!.message).toContain(text);
    expect(existsSync(MARKER)).toBe(false);
  });

  it("writes only complete model pairs: no temporary file, no output for a refused file", async () => {
    const names = await readdir(out);
    expect(names.filter((n) => n.includes(".tmp"))).toEqual([]);
    expect(names.filter((n) => /^model_[89]_/.test(n))).toEqual([]);
    expect(names).toHaveLength(2 * summary.converted.length);
  });

  it("skips models already in the destination unless overwrite is set", async () => {
    const again = await importSklearnModels(PICKLES, out);
    expect(again.converted).toEqual([]);
    expect(again.skipped.map((s) => s.file)).toContain("model_1_1.pkl");
    expect(again.skipped.find((s) => s.file === "model_1_1.pkl")?.reason).toContain("model_1_1.onnx already exists");
    const replaced = await importSklearnModels(PICKLES, out, { overwrite: true });
    expect(replaced.converted).toHaveLength(summary.converted.length);
  });
});

describe("importSklearnModel on damaged files", () => {
  it("a file truncated at any byte is refused with a CorruptPickle error naming it, never a crash", async () => {
    const bytes = await readFile(join(PICKLES, "model_1_3.pkl"));
    for (let length = 0; length < bytes.length; length += 7) {
      let error: unknown;
      try {
        importSklearnModel(bytes.subarray(0, length), { file: "cut.pkl" });
      } catch (e) {
        error = e;
      }
      expect(isSklearnImportError(error), `cut at ${length}: ${String(error)}`).toBe(true);
      expect((error as Error).message.startsWith("cut.pkl: ")).toBe(true);
    }
  });

  it("a joblib dump named .pkl is refused with a hint; dict keys nested 300,000 deep are refused, not a crash", async () => {
    const plain = await readFile(join(PICKLES, "model_3_1.joblib"));
    expect(() => importSklearnModel(plain, { file: "j.pkl" })).toThrow(/j\.pkl: refuses the global joblib\.numpy_pickle\.NumpyArrayWrapper: this is a joblib dump: name the file .*\.joblib/);
    const deep = Buffer.concat([Buffer.from([0x80, 4, 0x7d, 0x4e]), Buffer.alloc(300_000, 0x85), Buffer.from([0x4e, 0x73, 0x2e])]);
    expect(() => importSklearnModel(deep, { file: "deep.pkl" })).toThrow(expect.objectContaining({ code: "CorruptPickle", file: "deep.pkl" }));
  });

  it("a truncated joblib dump and a corrupt zlib stream are refused", async () => {
    const plain = await readFile(join(PICKLES, "model_3_1.joblib"));
    expect(() => importSklearnModel(plain.subarray(0, plain.length - 9), { file: "t.joblib", format: "joblib" })).toThrow(/^t\.joblib: .* only \d+ remain.*truncated/);
    const zlib = await readFile(join(PICKLES, "model_3_2.joblib"));
    expect(() => importSklearnModel(zlib.subarray(0, zlib.length - 20), { file: "z.joblib", format: "joblib" })).toThrow(/z\.joblib: cannot be decompressed as zlib/);
  });

  it("a zlib joblib dump inflating beyond maxBytes is refused before it is inflated further", async () => {
    const zlib = await readFile(join(PICKLES, "model_3_2.joblib"));
    expect(() => importSklearnModel(zlib, { file: "z.joblib", format: "joblib", maxBytes: 1000 })).toThrow(expect.objectContaining({ code: "TooLarge" }));
  });

  it("a 1 GB BINBYTES8 length field is refused before anything is allocated", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sklearn-import-huge-"));
    try {
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(1n << 30n);
      await writeFile(join(dir, "model_7_1.pkl"), Buffer.concat([Buffer.from([0x80, 0x04, 0x8e]), length, Buffer.from("abc.")]));
      await writeFile(join(dir, "model_7_2.pkl"), await readFile(join(PICKLES, "model_1_2.pkl")));
      const before = process.memoryUsage().rss;
      const result = await importSklearnModels(dir, join(dir, "out"));
      expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
      expect(result.refused).toEqual([
        { file: "model_7_1.pkl", code: "CorruptPickle", message: "model_7_1.pkl: BINBYTES8 needs 1073741824 bytes but only 4 remain: the file is truncated or the length field is corrupt (pickle opcode at byte 2)" },
      ]);
      expect(result.converted.map((c) => c.file)).toEqual(["model_7_2.pkl"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
