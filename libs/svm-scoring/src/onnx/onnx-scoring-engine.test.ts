import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TsScoringEngine, type ScoringSession } from "../index.js";
import { BIT_EXACT_PLATFORM, compareScores, mergeComparisons, type ScoreComparison } from "../test-fixtures/compare.js";
import {
  loadArtifact,
  prng,
  readReferenceValues,
  readSyntheticValues,
  REFERENCE_IDS,
  REFERENCE_MODELS,
  SYNTHETIC_MODELS,
  syntheticSample,
} from "../test-fixtures/fixtures.js";
import { OnnxScoringEngine } from "./index.js";

const TOLERANCE = 1e-5;

/** Scores `rows` with both engines on the .onnx only, as one batch and row by row for the first `single` rows. */
async function both(dir: string, id: string, rows: Float64Array, single: number): Promise<ScoreComparison[]> {
  const artifact = await loadArtifact(dir, id, { params: false });
  const sessions: ScoringSession[] = [await new TsScoringEngine().load(artifact), await new OnnxScoringEngine().load(artifact)];
  try {
    const [ts, ort] = sessions as [ScoringSession, ScoringSession];
    expect(ts).toMatchObject({ engine: "ts", parameters: "onnx", featureCount: 1, modelId: id });
    expect(ort).toMatchObject({ engine: "onnx", parameters: "onnx", featureCount: 1, modelId: id });
    const out = [compareScores(await ts.score(rows), await ort.score(rows))];
    for (let i = 0; i < Math.min(single, rows.length); i++) {
      const row = rows.subarray(i, i + 1);
      out.push(compareScores(await ts.score(row), await ort.score(row)));
    }
    return out;
  } finally {
    for (const s of sessions) await s.release();
  }
}

function expectAgreement(c: ScoreComparison): void {
  expect(c.maxRelDiff, `max |ts - onnxruntime| / max(1, |score|) over ${c.count} scores`).toBeLessThanOrEqual(TOLERANCE);
  if (BIT_EXACT_PLATFORM) expect(c.equal, "scores bit for bit equal (x64 with FMA, glibc)").toBe(c.count);
}

describe("ts engine on the .onnx vs onnxruntime (the oracle)", () => {
  it("agree on every reference model and row", async () => {
    const values = await readReferenceValues();
    const all: ScoreComparison[] = [];
    for (const id of REFERENCE_IDS) all.push(...(await both(REFERENCE_MODELS, id, values.get(id)!, 25)));
    const c = mergeComparisons(all);
    expect(c.count).toBe(17_768 + 15 * 25);
    expectAgreement(c);
  });

  describe("on 40 synthetic models", () => {
    const ids = syntheticSample(40);
    let data: Map<string, Float64Array>;
    beforeAll(async () => {
      data = await readSyntheticValues(ids, 250);
    });

    it("agree on their rows of the synthetic data", async () => {
      const all: ScoreComparison[] = [];
      for (const id of ids) {
        expect(data.get(id)!.length).toBe(250);
        all.push(...(await both(SYNTHETIC_MODELS, id, data.get(id)!, 10)));
      }
      const c = mergeComparisons(all);
      expect(c.count).toBe(40 * 260);
      expectAgreement(c);
    });

    it("agree on generated inputs from -6 to +6 scales around the mean", async () => {
      const rnd = prng(20240611);
      const all: ScoreComparison[] = [];
      for (const id of ids) {
        const { params } = await loadArtifact(SYNTHETIC_MODELS, id, { onnx: false });
        const { mean, scale } = params!.scaler;
        const rows = Float64Array.from({ length: 300 }, () => mean[0]! + scale[0]! * (rnd() * 12 - 6));
        all.push(...(await both(SYNTHETIC_MODELS, id, rows, 0)));
      }
      expectAgreement(mergeComparisons(all));
    });
  });
});

describe("OnnxScoringEngine", () => {
  let session: ScoringSession;
  beforeAll(async () => {
    session = await new OnnxScoringEngine().load(await loadArtifact(REFERENCE_MODELS, "1_1"));
  });
  afterAll(() => session.release());

  it("uses the .onnx even when float64 parameters are present", () => {
    expect(session).toMatchObject({ modelId: "1_1", engine: "onnx", parameters: "onnx", featureCount: 1 });
  });

  it("returns an empty result for no rows and scores concurrent calls", async () => {
    expect(await session.score(new Float64Array(0))).toEqual(new Float64Array(0));
    const rows = Float64Array.from({ length: 100 }, (_, i) => 8 + i * 0.1);
    const [a, b] = await Promise.all([session.score(rows), session.score(rows.subarray(0, 50))]);
    expect(a.subarray(0, 50)).toEqual(b);
  });

  it("refuses an artifact without .onnx bytes", async () => {
    const artifact = await loadArtifact(REFERENCE_MODELS, "1_2", { onnx: false });
    await expect(new OnnxScoringEngine().load(artifact)).rejects.toMatchObject({
      name: "ScoringError",
      code: "InvalidModel",
      message: expect.stringContaining('Model "1_2"'),
    });
  });

  it("refuses score() after release() and releases twice without error", async () => {
    const s = await new OnnxScoringEngine().load(await loadArtifact(REFERENCE_MODELS, "1_3"));
    await s.release();
    await s.release();
    await expect(s.score(new Float64Array([1]))).rejects.toMatchObject({ code: "SessionReleased", modelId: "1_3" });
  });
});
