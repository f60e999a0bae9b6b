import type { ModelArtifact } from "@fleetscore/contracts";
import { describe, expect, it } from "vitest";
import { TsScoringEngine, type ScoringEngine, type ScoringSession } from "../index.js";
import { OnnxScoringEngine } from "../onnx/index.js";
import { loadArtifact, loadReferenceArtifacts, readReferenceValues, REFERENCE_MODELS } from "../test-fixtures/fixtures.js";
import { sklearnScores } from "../test-fixtures/sklearn-decision.js";
import { threeFeatureArtifact } from "../test-fixtures/three-feature-model.js";
import { describeScoringEngine, type DescribeScoringEngineOptions, type TestFramework } from "./index.js";

const framework = { describe, it, expect };
/** The 15 reference models plus a 3-feature one (for FeatureMismatch), with or without float64 parameters. */
const models = (params: boolean) => async () => [...(await loadReferenceArtifacts({ params })), threeFeatureArtifact({ params })];
let readings: Promise<Map<string, Float64Array>> | undefined;
/** Each reference model's rows of the reference CSV, scored besides the generated rows. */
const rows = async (m: ModelArtifact) => (await (readings ??= readReferenceValues())).get(m.modelId) ?? new Float64Array(0);

describeScoringEngine("ts, float64 parameters", async () => new TsScoringEngine(), { framework, models: models(true), tolerance: 1e-12, oracle: sklearnScores, rows });
describeScoringEngine("ts, .onnx only", async () => new TsScoringEngine(), { framework, models: models(false), tolerance: 1e-5, oracle: new OnnxScoringEngine(), rows });
describeScoringEngine("onnx", async () => new OnnxScoringEngine(), { framework, models: models(false), tolerance: 1e-5, oracle: new TsScoringEngine(), rows });

describe("describeScoringEngine", () => {
  const ts = async () => new TsScoringEngine();

  it("throws without the framework hooks, saying how to pass them", () => {
    const options = { models: [threeFeatureArtifact()], tolerance: 0 };
    expect(() => describeScoringEngine("ts", ts, options as unknown as DescribeScoringEngineOptions)).toThrow(
      new TypeError(
        'describeScoringEngine("ts"): options.framework is missing. The suite does not import a test framework; pass its hooks in, e.g. with vitest:\n' +
          '  import { describe, it, expect } from "vitest";\n' +
          '  describeScoringEngine("ts", createEngine, { framework: { describe, it, expect }, models, tolerance });',
      ),
    );
    const partial = { ...options, framework: { describe, it } } as unknown as DescribeScoringEngineOptions;
    expect(() => describeScoringEngine("ts", ts, partial)).toThrow("options.framework has no `expect` function. The suite does not import a test framework");
    expect(() => describeScoringEngine("ts", ts, undefined as unknown as DescribeScoringEngineOptions)).toThrow("options.framework is missing");
  });

  it("refuses bad options with TypeError / RangeError", () => {
    const ok: DescribeScoringEngineOptions = { framework, models: [threeFeatureArtifact()], tolerance: 0 };
    const bad = (o: object) => () => describeScoringEngine("ts", ts, { ...ok, ...o } as DescribeScoringEngineOptions);
    expect(bad({ tolerance: -1 })).toThrow(new RangeError('describeScoringEngine("ts"): options.tolerance must be a finite number >= 0 (e.g. 1e-5), got number -1'));
    expect(bad({ tolerance: Number.NaN })).toThrow(RangeError);
    expect(bad({ models: [] })).toThrow('describeScoringEngine("ts"): options.models is empty; give at least one model');
    expect(bad({ models: "models/" })).toThrow(TypeError);
    expect(bad({ oracle: {} })).toThrow("options.oracle must be a ScoringEngine or a function (model, rows) => scores, got Object");
    expect(() => describeScoringEngine("ts", undefined as unknown as () => Promise<ScoringEngine>, ok)).toThrow(TypeError);
  });

  it("reports every contract breach of a sloppy engine, naming the model", async () => {
    const tests: { name: string; body: () => Promise<void> }[] = [];
    const failures = new Map<string, unknown>();
    let current = "";
    const recorder: TestFramework = {
      describe: (_name, body) => body(),
      it: (name, body) => void tests.push({ name, body }),
      expect: (actual) => ({ toEqual: (expected) => void (JSON.stringify(actual) === JSON.stringify(expected) || failures.set(current, actual)) }),
    };
    const sloppyModels = async () => [threeFeatureArtifact(), await loadArtifact(REFERENCE_MODELS, "1_1")];
    describeScoringEngine("sloppy", async () => new SloppyEngine(), { framework: recorder, models: sloppyModels, tolerance: 1e-12, oracle: sklearnScores });
    expect(tests).toHaveLength(9);
    for (const t of tests) {
      current = t.name;
      await t.body();
    }
    expect([...failures.keys()]).toEqual(tests.map((t) => t.name));
    const problems = (name: string) => (failures.get(tests.find((t) => t.name.startsWith(name))!.name) as string[]).join("\n");
    expect(problems("load() returns")).toContain('model "900_3": session.modelId is "900_3 (sloppy)"');
    expect(problems("score() returns one finite")).toContain('model "900_3", rows near the mean: row 0 [1, -2, 0.5] scored NaN');
    expect(problems("score() rejects a length")).toContain('model "900_3" (3 features), 1 values: resolved; expected a rejection with ScoringError FeatureMismatch');
    expect(problems("release()")).toContain('model "1_1": the second release() failed: Error: released twice');
    expect(problems("release()")).toContain('model "1_1", score() after release(): resolved; expected a rejection with ScoringError SessionReleased');
    expect(problems("load() and score() reject")).toContain('model "1_1", load(): resolved; expected a rejection with the signal\'s AbortError');
    expect(problems("load() refuses")).toContain('model "1_1" with garbage bytes: resolved; expected a rejection with ScoringError InvalidModel or UnsupportedModel');
    expect(problems("score() equals the oracle's")).toMatch(/^model "900_3" row 1 \[0, -2.25, -0.25\]: .*, oracle .* \(\|diff\| /m);
  });
});

/**
 * Breaks every rule the suite checks: wrong modelId, NaN first score, drifting scores, no length,
 * release or abort checks, accepts any bytes.
 */
class SloppyEngine implements ScoringEngine {
  readonly name = "ts";
  readonly #inner = new TsScoringEngine();

  async load(model: ModelArtifact): Promise<ScoringSession> {
    const inner = await this.#inner.load(model).catch(() => this.#inner.load(threeFeatureArtifact()));
    let calls = 0;
    let released = false;
    return {
      modelId: model.modelId === "900_3" ? "900_3 (sloppy)" : model.modelId,
      engine: "ts",
      parameters: inner.parameters,
      featureCount: inner.featureCount,
      async score(rows) {
        const F = inner.featureCount;
        const scores = await inner.score(rows.subarray(0, rows.length - (rows.length % F)));
        if (scores.length > 1) scores[0] = Number.NaN;
        return scores.map((s) => s + ++calls * 1e-3);
      },
      async release() {
        if (released) throw new Error("released twice");
        released = true;
      },
    };
  }
}
