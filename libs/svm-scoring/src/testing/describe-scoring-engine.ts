import { seededRandom } from "@fleetscore/test-support";
import { isAbortError, isAnomaly, type ModelArtifact } from "@fleetscore/contracts";
import { decodeOnnxSvmModel, isScoringError, type ScoringEngine, type ScoringErrorCode, type ScoringSession } from "../index.js";
import { requireTestFramework, type TestFramework } from "./test-framework.js";

/** Reference scores for `rows` (row-major, the model's feature count per row) of `model`: one per row. */
export type ScoreOracle = (model: ModelArtifact, rows: Float64Array) => ArrayLike<number> | Promise<ArrayLike<number>>;

/** Options of {@link describeScoringEngine}. */
export interface DescribeScoringEngineOptions {
  /** The test framework's hooks, e.g. `{ describe, it, expect }` from vitest. */
  readonly framework: TestFramework;
  /**
   * The models to run every check on, or a function loading them (called once, inside the first test).
   * Include one with more than one feature: the `FeatureMismatch` check needs it.
   */
  readonly models: readonly ModelArtifact[] | (() => Promise<readonly ModelArtifact[]>);
  /**
   * How far two scores may differ: |a - b| <= tolerance * max(1, |b|), absolute below 1, relative above.
   * Used for one call vs row by row, and against the oracle.
   */
  readonly tolerance: number;
  /**
   * Scores to agree with: another engine (each model is loaded into it) or a function. Without one, the
   * suite checks the contract only.
   */
  readonly oracle?: ScoringEngine | ScoreOracle;
  /** More rows to score for a model (e.g. its real readings), besides the generated ones; row-major. */
  readonly rows?: (model: ModelArtifact) => Float64Array | Promise<Float64Array>;
}

/** What the suite knows of a model before any engine loads it. */
interface Probe {
  readonly model: ModelArtifact;
  /** From the float64 parameters, else the .onnx; undefined when neither can be read. */
  readonly featureCount: number | undefined;
  /** Rows within 4 scaler scales of the scaler mean (row-major). */
  readonly near: Float64Array;
  /** Rows 10 to 1000 scales away from it. */
  readonly far: Float64Array;
}

type Outcome = { readonly kind: "resolved"; readonly value: unknown } | { readonly kind: "rejected" | "threw"; readonly error: unknown };

/** Problems shown per failed check; the rest are counted. */
const MAX_SHOWN = 20;
const NEAR_STEPS = [0, -0.5, 0.5, -1, 1, -2, 2, -3, 3];
const RANDOM_NEAR_ROWS = 23;
const FAR_STEPS = [-10, 10, -100, 100, -1000, 1000];

/**
 * Declares the conformance suite of a {@link ScoringEngine} with the caller's test framework: every
 * engine runs the same checks on the same models, and with an `oracle` must give its scores.
 *
 * Checks, on each model: `load()` gives a session with the model's `modelId` and `featureCount`; `score()`
 * returns one finite score per row for rows near the scaler mean and far from it, the same scores twice,
 * the same scores in one call as row by row (within `tolerance`), `FeatureMismatch` for a length that is
 * not a multiple of `featureCount`; `release()` is idempotent and `score()` after it rejects with
 * `SessionReleased`; an aborted signal rejects `load()` and `score()` with an `AbortError`; a corrupt
 * artifact (garbage or truncated .onnx bytes, no params) is refused by `load()` with a `ScoringError` naming
 * the model. With an oracle: scores within `tolerance` of the oracle's, and the same label (score <= 0)
 * wherever |oracle score| > `tolerance`.
 *
 * @param name Shown in the suite's title, e.g. `"ts"`.
 * @param createEngine Called once per test for a fresh engine.
 * @throws TypeError when the framework hooks are missing (the message shows how to pass them) or an
 *   argument has the wrong type; RangeError for a negative or non-finite tolerance, or no models.
 */
export function describeScoringEngine(name: string, createEngine: () => Promise<ScoringEngine>, options: DescribeScoringEngineOptions): void {
  if (typeof name !== "string" || name === "") throw new TypeError(`describeScoringEngine: name must be a non-empty string, got ${show(name)}`);
  const suite = `describeScoringEngine(${JSON.stringify(name)})`;
  const call = `describeScoringEngine(${JSON.stringify(name)}, createEngine, {`;
  const given: Partial<DescribeScoringEngineOptions> = typeof options === "object" && options !== null ? options : {};
  const { describe, it, expect } = requireTestFramework(given.framework, suite, call);
  if (typeof createEngine !== "function") {
    throw new TypeError(`${suite}: createEngine must be a function returning a Promise<ScoringEngine>, got ${show(createEngine)}`);
  }
  const { models, tolerance, oracle, rows } = given;
  if (typeof models !== "function" && !Array.isArray(models)) {
    throw new TypeError(`${suite}: options.models must be an array of ModelArtifact or a function loading them, got ${show(models)}`);
  }
  if (Array.isArray(models) && models.length === 0) throw new RangeError(`${suite}: options.models is empty; give at least one model`);
  if (typeof tolerance !== "number" || !(tolerance >= 0) || !Number.isFinite(tolerance)) {
    throw new RangeError(`${suite}: options.tolerance must be a finite number >= 0 (e.g. 1e-5), got ${show(tolerance)}`);
  }
  if (oracle !== undefined && typeof oracle !== "function" && typeof (oracle as Partial<ScoringEngine> | null)?.load !== "function") {
    throw new TypeError(`${suite}: options.oracle must be a ScoringEngine or a function (model, rows) => scores, got ${show(oracle)}`);
  }
  if (rows !== undefined && typeof rows !== "function") throw new TypeError(`${suite}: options.rows must be a function (model) => Float64Array, got ${show(rows)}`);

  let loaded: Promise<Probe[]> | undefined;
  const probes = (): Promise<Probe[]> => (loaded ??= loadProbes(suite, models));
  /** Asserts that `problems` is empty; the title says what was checked. */
  const report = (title: string, problems: readonly string[]): void => {
    const shown = problems.length > MAX_SHOWN ? [...problems.slice(0, MAX_SHOWN), `... and ${problems.length - MAX_SHOWN} more`] : problems;
    expect(shown, `${name}: ${title}`).toEqual([]);
  };
  const extraRows = async (p: Probe): Promise<Float64Array> => {
    if (!rows) return new Float64Array(0);
    const extra = await rows(p.model);
    if (!(extra instanceof Float64Array)) throw new TypeError(`${suite}: options.rows gave ${show(extra)} for model "${p.model.modelId}"; expected a Float64Array`);
    return extra;
  };

  describe(`ScoringEngine conformance: ${name}`, () => {
    it("load() returns a session per model with its modelId and featureCount", async () => {
      const engine = await createEngine();
      const problems: string[] = [];
      for (const p of await probes()) {
        await withSession(suite, engine, p.model, async (session) => {
          if (session.modelId !== p.model.modelId) problems.push(`model "${p.model.modelId}": session.modelId is ${show(session.modelId)}`);
          if (p.featureCount === undefined) problems.push(`model "${p.model.modelId}": neither its params nor its .onnx can be read, yet load() accepted it`);
          else if (session.featureCount !== p.featureCount) {
            problems.push(`model "${p.model.modelId}": session.featureCount is ${show(session.featureCount)}, the model has ${p.featureCount}`);
          }
        });
      }
      report("sessions that do not match their model", problems);
    });

    it("score() returns one finite score per row, near the scaler mean and far from it", async () => {
      const engine = await createEngine();
      const problems: string[] = [];
      for (const p of await probes()) {
        const sets: [string, Float64Array][] = [
          ["near the mean", p.near],
          ["far from the mean", p.far],
          ["options.rows", await extraRows(p)],
          ["no rows", new Float64Array(0)],
        ];
        await withSession(suite, engine, p.model, async (session) => {
          const F = session.featureCount;
          for (const [label, x] of sets) {
            if (label === "options.rows" && x.length === 0) continue;
            const scores = await session.score(x);
            const where = `model "${p.model.modelId}", rows ${label}`;
            if (!(scores instanceof Float64Array)) problems.push(`${where}: score() returned ${show(scores)}, not a Float64Array`);
            if (scores.length !== x.length / F) {
              problems.push(`${where}: ${scores.length} scores for ${x.length / F} rows`);
              continue;
            }
            for (let i = 0; i < scores.length; i++) {
              if (!Number.isFinite(scores[i])) problems.push(`${where}: row ${i} ${rowText(x, F, i)} scored ${scores[i]}`);
            }
          }
        });
      }
      report("missing or non-finite scores", problems);
    });

    it("score() gives identical scores for the same rows twice and leaves the rows unchanged", async () => {
      const engine = await createEngine();
      const problems: string[] = [];
      for (const p of await probes()) {
        const x = concat(p.near, p.far);
        const copy = x.slice();
        await withSession(suite, engine, p.model, async (session) => {
          const first = await session.score(x);
          const second = await session.score(x);
          for (let i = 0; i < Math.max(first.length, second.length); i++) {
            if (!Object.is(first[i], second[i])) problems.push(`model "${p.model.modelId}" row ${i}: scored ${first[i]}, then ${second[i]}`);
          }
          const changed = copy.findIndex((v, i) => !Object.is(v, x[i]));
          if (changed >= 0) problems.push(`model "${p.model.modelId}": score() changed its input at index ${changed} from ${copy[changed]} to ${x[changed]}`);
        });
      }
      report("scores that changed between calls", problems);
    });

    it(`score() of all rows in one call equals row-by-row calls within ${tolerance}`, async () => {
      const engine = await createEngine();
      const problems: string[] = [];
      for (const p of await probes()) {
        const x = concat(p.near, p.far);
        await withSession(suite, engine, p.model, async (session) => {
          const F = session.featureCount;
          const batch = await session.score(x);
          for (let i = 0; i < x.length / F; i++) {
            const [single] = await session.score(x.subarray(i * F, (i + 1) * F));
            if (!within(single!, batch[i]!, tolerance)) {
              problems.push(`model "${p.model.modelId}" row ${i} ${rowText(x, F, i)}: ${batch[i]} in one call, ${single} alone (${diffText(single!, batch[i]!)})`);
            }
          }
        });
      }
      report(`rows scored differently alone (tolerance ${tolerance})`, problems);
    });

    it("score() rejects a length that is not a multiple of featureCount with ScoringError FeatureMismatch", async () => {
      const engine = await createEngine();
      const problems: string[] = [];
      const multi = (await probes()).filter((p) => (p.featureCount ?? 1) > 1);
      if (multi.length === 0) {
        problems.push("every model has one feature, so every length is a multiple of featureCount: add a model with several features to options.models");
      }
      for (const p of multi) {
        await withSession(suite, engine, p.model, async (session) => {
          const F = session.featureCount;
          for (const length of [1, F - 1, F + 1, 2 * F + 1].filter((n, i, all) => n > 0 && n % F !== 0 && all.indexOf(n) === i)) {
            const o = await outcome(() => session.score(p.near.slice(0, length)));
            const problem = scoringErrorProblem(o, ["FeatureMismatch"], p.model.modelId);
            if (problem) problems.push(`model "${p.model.modelId}" (${F} features), ${length} values: ${problem}`);
          }
        });
      }
      report("lengths not refused with FeatureMismatch", problems);
    });

    it("release() is idempotent; score() after release() rejects with ScoringError SessionReleased", async () => {
      const engine = await createEngine();
      const problems: string[] = [];
      for (const p of await probes()) {
        const session = await load(suite, engine, p.model);
        const first = await outcome(() => session.release());
        const second = await outcome(() => session.release());
        for (const [which, o] of [["first", first], ["second", second]] as const) {
          if (o.kind !== "resolved") problems.push(`model "${p.model.modelId}": the ${which} release() failed: ${errorText(o.error)}`);
        }
        const problem = scoringErrorProblem(await outcome(() => session.score(p.near)), ["SessionReleased"], p.model.modelId);
        if (problem) problems.push(`model "${p.model.modelId}", score() after release(): ${problem}`);
      }
      report("release() problems", problems);
    });

    it("load() and score() reject with an AbortError when the signal is aborted", async () => {
      const engine = await createEngine();
      const problems: string[] = [];
      const controller = new AbortController();
      controller.abort();
      const abortSignal = controller.signal;
      for (const p of await probes()) {
        const loadOutcome = await outcome(() => engine.load(p.model, { abortSignal }));
        if (loadOutcome.kind === "resolved") await (loadOutcome.value as ScoringSession).release();
        const loadProblem = abortProblem(loadOutcome);
        if (loadProblem) problems.push(`model "${p.model.modelId}", load(): ${loadProblem}`);
        await withSession(suite, engine, p.model, async (session) => {
          const scoreProblem = abortProblem(await outcome(() => session.score(p.near, { abortSignal })));
          if (scoreProblem) problems.push(`model "${p.model.modelId}", score(): ${scoreProblem}`);
        });
      }
      report("calls that ignored an aborted signal", problems);
    });

    it("load() refuses a corrupt artifact (garbage or truncated .onnx bytes, no params) with a ScoringError naming the model", async () => {
      const engine = await createEngine();
      const problems: string[] = [];
      for (const p of await probes()) {
        const { params: _params, paramsSha256: _paramsSha256, sha256: _sha256, onnx, ...rest } = p.model;
        const corrupt: [string, Uint8Array][] = [["garbage bytes", new TextEncoder().encode("this is not an ONNX model")]];
        if (onnx && onnx.byteLength >= 16) corrupt.push(["the .onnx cut in half", onnx.slice(0, onnx.byteLength >> 1)]);
        for (const [what, bytes] of corrupt) {
          const o = await outcome(() => engine.load({ ...rest, onnx: bytes }));
          if (o.kind === "resolved") await (o.value as ScoringSession).release();
          const problem = refusalProblem(o, p.model.modelId);
          if (problem) problems.push(`model "${p.model.modelId}" with ${what}: ${problem}`);
        }
      }
      report("corrupt artifacts not refused", problems);
    });

    if (oracle !== undefined) {
      it(`score() equals the oracle's within ${tolerance}, with the same labels wherever |score| > ${tolerance}`, async () => {
        const engine = await createEngine();
        const problems: string[] = [];
        let compared = 0;
        for (const p of await probes()) {
          const x = concat(concat(p.near, p.far), await extraRows(p));
          const actual = await withSession(suite, engine, p.model, (session) => session.score(x));
          const expected =
            typeof oracle === "function" ? await oracle(p.model, x) : await withSession(`${suite} oracle "${oracle.name}"`, oracle, p.model, (s) => s.score(x));
          const where = `model "${p.model.modelId}"`;
          if (expected.length !== actual.length) {
            problems.push(`${where}: ${actual.length} scores but the oracle gave ${expected.length}`);
            continue;
          }
          const F = p.featureCount ?? 1;
          for (let i = 0; i < actual.length; i++) {
            const [a, b] = [actual[i]!, expected[i]!];
            compared++;
            if (!within(a, b, tolerance)) problems.push(`${where} row ${i} ${rowText(x, F, i)}: ${a}, oracle ${b} (${diffText(a, b)})`);
            else if (Math.abs(b) > tolerance && isAnomaly(a) !== isAnomaly(b)) problems.push(`${where} row ${i} ${rowText(x, F, i)}: label differs (${a} vs oracle ${b})`);
          }
        }
        if (compared === 0) problems.push("no scores were compared");
        report(`scores that differ from the oracle (tolerance ${tolerance})`, problems);
      });
    }
  });
}

async function loadProbes(suite: string, models: DescribeScoringEngineOptions["models"]): Promise<Probe[]> {
  const list = typeof models === "function" ? await models() : models;
  if (!Array.isArray(list) || list.length === 0) throw new RangeError(`${suite}: options.models gave ${show(list)}; expected at least one ModelArtifact`);
  return list.map((model: ModelArtifact, index) => probe(model, index));
}

/** The feature count, scaler mean and standard deviation of a model, from its float64 parameters or its .onnx. */
function probe(model: ModelArtifact, index: number): Probe {
  let shape: { mean: readonly number[]; std: readonly number[] } | undefined;
  if (model.params) shape = { mean: model.params.scaler.mean, std: model.params.scaler.scale };
  else if (model.onnx) {
    try {
      const m = decodeOnnxSvmModel(model.onnx, model.modelId);
      const F = m.featureCount;
      // The ONNX Scaler computes (x - offset) * scale: offset is the mean, 1 / scale the deviation.
      shape = {
        mean: Array.from({ length: F }, (_, j) => m.scaler?.offset[j] ?? 0),
        std: Array.from({ length: F }, (_, j) => (m.scaler ? 1 / m.scaler.scale[j]! : 1)),
      };
    } catch {
      shape = undefined;
    }
  }
  if (!shape) return { model, featureCount: undefined, near: new Float64Array(0), far: new Float64Array(0) };
  const F = shape.mean.length;
  const std = shape.std.map((s) => (Number.isFinite(s) && s !== 0 ? Math.abs(s) : 1));
  const at = (k: (j: number) => number): number[] => Array.from({ length: F }, (_, j) => shape.mean[j]! + k(j) * std[j]!);
  const rnd = seededRandom(0x5eed + index);
  const near = [...NEAR_STEPS.map((k) => at(() => k)), ...Array.from({ length: RANDOM_NEAR_ROWS }, () => at(() => rnd() * 8 - 4))];
  const far = [...FAR_STEPS.map((k) => at(() => k)), at((j) => (j % 2 ? -100 : 100)), at((j) => (j % 2 ? 1000 : -1000))];
  return { model, featureCount: F, near: Float64Array.from(near.flat()), far: Float64Array.from(far.flat()) };
}

async function load(suite: string, engine: ScoringEngine, model: ModelArtifact): Promise<ScoringSession> {
  try {
    return await engine.load(model);
  } catch (e) {
    throw new Error(`${suite}: load() of model "${model.modelId}" (${model.source}) failed: ${errorText(e)}`, { cause: e });
  }
}

async function withSession<T>(suite: string, engine: ScoringEngine, model: ModelArtifact, use: (session: ScoringSession) => Promise<T>): Promise<T> {
  const session = await load(suite, engine, model);
  try {
    return await use(session);
  } finally {
    await session.release();
  }
}

/** Runs `call`, telling a rejection from a synchronous throw (a contract breach for a Promise-returning method). */
async function outcome(call: () => Promise<unknown>): Promise<Outcome> {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (error) {
    return { kind: "threw", error };
  }
  try {
    return { kind: "resolved", value: await promise };
  } catch (error) {
    return { kind: "rejected", error };
  }
}

/** Why `o` is not a rejection with a ScoringError of one of `codes` for `modelId`; undefined when it is. */
function scoringErrorProblem(o: Outcome, codes: readonly ScoringErrorCode[], modelId: string): string | undefined {
  const expected = `expected a rejection with ScoringError ${codes.join(" or ")}`;
  if (o.kind === "resolved") return `resolved; ${expected}`;
  if (o.kind === "threw") return `threw synchronously (${errorText(o.error)}); ${expected}`;
  if (!isScoringError(o.error) || !codes.includes(o.error.code)) return `rejected with ${errorText(o.error)}; ${expected}`;
  if (o.error.modelId !== modelId) return `the ScoringError's modelId is ${show(o.error.modelId)}, expected "${modelId}"`;
  return undefined;
}

/** Why `o` is not the refusal of a corrupt model: a ScoringError whose modelId and message name the model. */
function refusalProblem(o: Outcome, modelId: string): string | undefined {
  const problem = scoringErrorProblem(o, ["InvalidModel", "UnsupportedModel"], modelId);
  if (problem !== undefined) return problem;
  const error = (o as { readonly error: Error }).error;
  return error.message.includes(modelId) ? undefined : `the message does not name the model: ${errorText(error)}`;
}

function abortProblem(o: Outcome): string | undefined {
  if (o.kind === "rejected" && isAbortError(o.error)) return undefined;
  if (o.kind === "resolved") return "resolved; expected a rejection with the signal's AbortError";
  return `${o.kind === "threw" ? "threw synchronously" : "rejected"} with ${errorText(o.error)}; expected a rejection with the signal's AbortError`;
}

/** |a - b| <= tolerance * max(1, |b|); false when either is NaN. */
function within(a: number, b: number, tolerance: number): boolean {
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b));
}

function diffText(a: number, b: number): string {
  const d = Math.abs(a - b);
  return `|diff| ${d.toExponential(2)}${Math.abs(b) > 1 ? `, relative ${(d / Math.abs(b)).toExponential(2)}` : ""}`;
}

function rowText(x: Float64Array, F: number, i: number): string {
  const row = Array.from(x.subarray(i * F, (i + 1) * F));
  return `[${row.slice(0, 4).join(", ")}${F > 4 ? ", ..." : ""}]`;
}

function errorText(e: unknown): string {
  if (!(e instanceof Error)) return show(e);
  const code = (e as { code?: unknown }).code;
  return `${e.name}${typeof code === "string" ? ` ${code}` : ""}: ${e.message}`;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  if (typeof value === "function") return "a function";
  return `${typeof value} ${String(value)}`;
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

