import { modelId, parseModelId, withRetries } from "@fleetscore/contracts";
import { isTransientModelStoreError, openModelStore, type ModelStore } from "@fleetscore/model-store";
import { ScoringError, createScoringEngine, type ScoringEngine, type ScoringSession } from "@fleetscore/svm-scoring";
import { CsvByte, ReadingsCsvParser, latin1, type FieldOffsets } from "@fleetscore/readings-csv";
import type { ChunkResult, ChunkScorerInit, LinesChunk, ModelFailure, ModelLoaded, ScoringChunk, ValuesChunk } from "./chunk-protocol.js";
import { ModelFiles } from "./model-files.js";
import { MAX_NUMBER_TEXT_LENGTH, writeNumberText } from "./number-text.js";
import { referenceTimestampBytes, REFERENCE_TIMESTAMP_LENGTH } from "./reference-timestamp.js";

/** What a (device, sensor) pair seen in the data resolves to. */
type Pair =
  | { readonly kind: "score"; readonly modelIndex: number }
  | { readonly kind: "skip"; readonly id: string }
  | { readonly kind: "no-model"; readonly id: string };

type ModelState = { readonly session: ScoringSession } | { readonly failed: true };

const { comma: COMMA, lf: LF, zero: ZERO, one: ONE } = CsvByte;
/** Numeric ids up to 7 digits pack into one safe integer key: device * 2^24 + sensor. */
const NUMERIC_KEY_BASE = 16_777_216;
/** `,<score>,<label>\n` but the score: two commas, the label and the newline. */
const MAX_LINE_END_LENGTH = 4;

/**
 * Scores chunks of data lines: parses them, looks up each row's model, scores every model's rows of the
 * chunk in one call, and formats their prediction lines. One instance per worker thread (or in-process);
 * models are loaded on first use and kept for the whole run.
 */
export class ChunkScorer {
  readonly #init: ChunkScorerInit;
  readonly #store: ModelStore;
  readonly #engine: ScoringEngine;
  readonly #modelIndex: ReadonlyMap<string, number>;
  readonly #skip: ReadonlySet<string>;
  readonly #models = new Map<number, ModelState | Promise<ModelState>>();
  /** Pairs by `device * 2^10 + sensor` for ids below 1024, the common case: a typed-array lookup. */
  readonly #smallPairs: Array<Pair | undefined> = [];
  readonly #numericPairs = new Map<number, Pair>();
  readonly #textPairs = new Map<string, Pair>();
  readonly #rows = new ChunkRows(1 << 16);
  readonly #out = new OutputBuffer(1 << 20);
  /** `,<device>,<sensor>,` per model index: the middle of each prediction line. */
  readonly #infixes: Uint8Array[] = [];
  /** With model affinity: the owned models' files, written here. */
  readonly #files: ModelFiles | undefined;
  readonly #ownerIndex: number;
  readonly #ownerCount: number;

  private constructor(init: ChunkScorerInit, store: ModelStore, engine: ScoringEngine) {
    this.#init = init;
    const affinity = init.affinity;
    this.#files = affinity && new ModelFiles(affinity.partialPaths, Buffer.from(affinity.header, "latin1"));
    this.#ownerIndex = affinity?.index ?? 0;
    this.#ownerCount = affinity?.count ?? 1;
    this.#store = store;
    this.#engine = engine;
    this.#modelIndex = new Map(init.modelIds.map((id, i) => [id, i]));
    this.#skip = new Set(init.skipModelIds);
  }

  static async create(init: ChunkScorerInit): Promise<ChunkScorer> {
    const [store, engine] = await Promise.all([openModelStore(init.modelsLocation, init.modelStoreOptions), createScoringEngine(init.engine)]);
    return new ChunkScorer(init, store, engine);
  }

  /** Scores a chunk of either kind; the prediction lines are the same bytes for the same rows. */
  score(chunk: ScoringChunk): Promise<ChunkResult> {
    return chunk.kind === "lines" ? this.#scoreLines(chunk) : this.#scoreValues(chunk);
  }

  async #scoreLines({ seq, bytes }: LinesChunk): Promise<ChunkResult> {
    // Reused from chunk to chunk: fresh multi-MB typed arrays per chunk cost page faults (sys time).
    const rows = this.#rows;
    rows.reset();
    const counts = new PairCounts();
    const malformed = new MalformedRows(this.#init.maxMalformedSamples);
    const parser = new ReadingsCsvParser(
      {
        row: (buf, f, value) => {
          const pair = this.#resolvePair(buf, f);
          if (pair.kind !== "score") counts.add(pair);
          else if (pair.modelIndex % this.#ownerCount === this.#ownerIndex) rows.add(pair.modelIndex, value, f[0]!, f[1]!, f[6]!, f[7]!);
        },
        malformed: (line, message) => malformed.add(line, message),
      },
      { columns: this.#init.columns },
    );
    parser.push(bytes);
    parser.end();
    const out = this.#out;
    const scored = await this.#scoreRows((modelIndex, rowIndexes, scores) => out.lines(bytes, rows.fields, rowIndexes, this.#infixes[modelIndex]!, scores));
    return { seq, lines: parser.lines, rows: parser.rows, ...scored, ...malformed.result(), ...counts.result() };
  }

  async #scoreValues(chunk: ValuesChunk): Promise<ChunkResult> {
    const rows = this.#rows;
    rows.reset();
    const counts = new PairCounts();
    const malformed = new MalformedRows(this.#init.maxMalformedSamples);
    const pairs = chunk.deviceIds.map((deviceId, p) => this.#pairFromText(deviceId, chunk.sensorIds[p]!));
    const { pairOfRow, values } = chunk;
    let dataRows = 0;
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      // As the CSV parser does with a value that is not a finite number (1-based, as a line would be).
      if (!Number.isFinite(value)) {
        malformed.add(i + 1, `Value is not a finite number: ${String(value)}`);
        continue;
      }
      dataRows++;
      const pair = pairs[pairOfRow[i]!]!;
      if (pair.kind !== "score") counts.add(pair);
      else if (pair.modelIndex % this.#ownerCount === this.#ownerIndex) rows.add(pair.modelIndex, value, i, 0, 0, 0);
    }
    const times = referenceTimestampBytes(chunk.times);
    const out = this.#out;
    const scored = await this.#scoreRows((modelIndex, rowIndexes, scores) =>
      out.valueLines(times, chunk.timeOfRow, values, rows.fields, rowIndexes, this.#infixes[modelIndex]!, scores),
    );
    return { seq: chunk.seq, lines: values.length, rows: dataRows, ...scored, ...malformed.result(), ...counts.result() };
  }

  /** Scores the collected rows model by model; `write` formats one model's prediction lines. */
  async #scoreRows(
    write: (modelIndex: number, rowIndexes: Int32Array, scores: Float64Array) => number,
  ): Promise<Pick<ChunkResult, "output" | "fragments" | "anomalies" | "loaded" | "failures">> {
    const rows = this.#rows;
    const loaded: ModelLoaded[] = [];
    const failures: ModelFailure[] = [];
    const byModel = rows.groupByModel(this.#init.modelIds.length);
    const out = this.#out;
    out.reset();
    const fragments: number[] = [];
    const anomalies: number[] = [];
    for (const [modelIndex, rowIndexes] of byModel) {
      const session = await this.#session(modelIndex, loaded, failures);
      if (!session) continue;
      const values = new Float64Array(rowIndexes.length);
      for (let i = 0; i < rowIndexes.length; i++) values[i] = rows.values[rowIndexes[i]!]!;
      let scores: Float64Array;
      try {
        scores = await session.score(values);
      } catch (e) {
        this.#fail(modelIndex, toFailure(modelIndex, e), failures);
        continue;
      }
      const start = out.length;
      const anomalyCount = write(modelIndex, rowIndexes, scores);
      if (this.#files) {
        try {
          this.#files.append(modelIndex, out.view(), start, out.length);
        } catch (e) {
          this.#fail(modelIndex, { modelIndex, code: "OutputFailed", message: `Cannot append predictions of model ${this.#init.modelIds[modelIndex]}: ${(e as Error).message}` }, failures);
          continue;
        } finally {
          // Copied into the model's file buffer: the chunk's own buffer stays one model's lines long.
          out.reset();
        }
      }
      fragments.push(modelIndex, start, out.length - start, rowIndexes.length);
      anomalies.push(anomalyCount);
    }
    // With model affinity the lines are in the files already: no bytes go back.
    const output = this.#files ? new Uint8Array(0) : out.bytes();
    return { output, fragments: Int32Array.from(fragments), anomalies: Int32Array.from(anomalies), loaded, failures };
  }

  /** Marks a model failed for the rest of the run (its later rows are dropped) and closes its file. */
  #fail(modelIndex: number, failure: ModelFailure, failures: ModelFailure[]): void {
    this.#models.set(modelIndex, { failed: true });
    this.#files?.drop(modelIndex);
    failures.push(failure);
  }

  /** With model affinity: writes what the owned files still buffer and closes them. @returns write failures. */
  finish(): ModelFailure[] {
    return this.#files?.finish() ?? [];
  }

  async close(): Promise<void> {
    this.#files?.closeAll();
    for (const state of this.#models.values()) {
      const s = await state;
      if ("session" in s) await s.session.release();
    }
    this.#models.clear();
  }

  /** The model's session, loading it on first use (retrying transient store errors); undefined once failed. */
  async #session(modelIndex: number, loaded: ModelLoaded[], failures: ModelFailure[]): Promise<ScoringSession | undefined> {
    let state = this.#models.get(modelIndex);
    if (!state) {
      const id = this.#init.modelIds[modelIndex]!;
      const key = parseModelId(id);
      state = withRetries(
        async () => {
          const artifact = await this.#store.get(key);
          const session = await this.#engine.load(artifact);
          checkOneFeature(session);
          loaded.push({
            modelIndex,
            engine: session.engine,
            parameters: session.parameters,
            ...(artifact.sha256 && { sha256: artifact.sha256 }),
            ...(artifact.paramsSha256 && { paramsSha256: artifact.paramsSha256 }),
          });
          return { session };
        },
        { retries: this.#init.retries, initialDelayInMs: this.#init.retryDelayInMs, isTransient: isTransientModelStoreError },
      ).catch((e: unknown): ModelState => {
        this.#files?.drop(modelIndex);
        failures.push(toFailure(modelIndex, e));
        return { failed: true };
      });
      this.#models.set(modelIndex, state);
      state = await state;
      this.#models.set(modelIndex, state);
    }
    const s = await state;
    return "session" in s ? s.session : undefined;
  }

  /** Looks a row's (device, sensor) up; numeric ids take a fast path without building a string. */
  #resolvePair(buf: Uint8Array, f: FieldOffsets): Pair {
    const device = numericId(buf, f[2]!, f[3]!);
    const sensor = device < 0 ? -1 : numericId(buf, f[4]!, f[5]!);
    if (sensor >= 0) {
      if (device < 1024 && sensor < 1024) {
        const small = (device << 10) | sensor;
        let pair = this.#smallPairs[small];
        if (!pair) {
          pair = this.#pairFromText(latin1(buf, f[2]!, f[3]!), latin1(buf, f[4]!, f[5]!));
          this.#smallPairs[small] = pair;
        }
        return pair;
      }
      const key = device * NUMERIC_KEY_BASE + sensor;
      let pair = this.#numericPairs.get(key);
      if (!pair) {
        pair = this.#pairFromText(latin1(buf, f[2]!, f[3]!), latin1(buf, f[4]!, f[5]!));
        this.#numericPairs.set(key, pair);
      }
      return pair;
    }
    return this.#pairFromText(latin1(buf, f[2]!, f[3]!), latin1(buf, f[4]!, f[5]!));
  }

  #pairFromText(deviceId: string, sensorId: string): Pair {
    const id = modelId({ deviceId, sensorId });
    let pair = this.#textPairs.get(id);
    if (!pair) {
      const index = this.#modelIndex.get(id);
      if (index !== undefined) {
        pair = { kind: "score", modelIndex: index };
        this.#infixes[index] = Buffer.from(`,${deviceId},${sensorId},`, "latin1");
      }
      else if (this.#skip.has(id)) pair = { kind: "skip", id };
      else pair = { kind: "no-model", id };
      this.#textPairs.set(id, pair);
    }
    return pair;
  }
}

/**
 * A readings row has one value, so a model must take one feature. Checked once at load: `score()` can only
 * tell that the value count is not a multiple of the feature count, so 3 rows for a 3-feature model would
 * be scored as one row and the other two left without a score.
 * @throws ScoringError `FeatureMismatch`.
 */
function checkOneFeature(session: ScoringSession): void {
  if (session.featureCount === 1) return;
  void session.release();
  throw new ScoringError(
    `Model "${session.modelId}" expects ${session.featureCount} features per row; readings have one value (Value) per row`,
    "FeatureMismatch",
    { modelId: session.modelId },
  );
}

/** Digits only, no leading zero ("0" itself is fine), at most 7: the value; else -1. */
function numericId(buf: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len < 1 || len > 7 || (len > 1 && buf[start] === ZERO)) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i]! - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function toFailure(modelIndex: number, e: unknown): ModelFailure {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  return { modelIndex, code: typeof code === "string" ? code : err.name, message: err.message };
}

/** The rows of one chunk that are to be scored: model, value, and where TS and Value are in the chunk. */
class ChunkRows {
  count = 0;
  modelIndexes: Int32Array;
  values: Float64Array;
  /** 4 per row: tsStart, tsEnd, valueStart, valueEnd in the chunk's bytes (values chunks: the row's index, 0, 0, 0). */
  fields: Int32Array;

  constructor(capacity: number) {
    this.modelIndexes = new Int32Array(capacity);
    this.values = new Float64Array(capacity);
    this.fields = new Int32Array(capacity * 4);
  }

  reset(): void {
    this.count = 0;
  }

  add(modelIndex: number, value: number, a: number, b: number, c: number, d: number): void {
    if (this.count === this.values.length) this.#grow();
    const i = this.count++;
    this.modelIndexes[i] = modelIndex;
    this.values[i] = value;
    const o = i * 4;
    this.fields[o] = a;
    this.fields[o + 1] = b;
    this.fields[o + 2] = c;
    this.fields[o + 3] = d;
  }

  /** Row indexes per model, each list in input order (a counting sort over the dense model indexes). */
  groupByModel(modelCount: number): Map<number, Int32Array> {
    const counts = new Int32Array(modelCount);
    for (let i = 0; i < this.count; i++) counts[this.modelIndexes[i]!]!++;
    const groups = new Map<number, Int32Array>();
    const lists: Int32Array[] = [];
    for (let m = 0; m < modelCount; m++) {
      if (counts[m]! > 0) {
        lists[m] = new Int32Array(counts[m]!);
        groups.set(m, lists[m]!);
      }
    }
    counts.fill(0);
    for (let i = 0; i < this.count; i++) {
      const m = this.modelIndexes[i]!;
      lists[m]![counts[m]!++] = i;
    }
    return groups;
  }

  #grow(): void {
    const n = this.values.length * 2;
    const m = new Int32Array(n);
    m.set(this.modelIndexes);
    this.modelIndexes = m;
    const v = new Float64Array(n);
    v.set(this.values);
    this.values = v;
    const f = new Int32Array(n * 4);
    f.set(this.fields);
    this.fields = f;
  }
}

/**
 * The end of a prediction line after Val: `,<score>,<label>\n`, Score as `String(score)` (the shortest
 * round-trip decimal) and the libsvm label (anomaly iff score <= 0, as isAnomaly in contracts).
 * @returns the position after the line.
 */
function writeScoreEnd(b: Uint8Array, start: number, score: number): number {
  let p = start;
  b[p++] = COMMA;
  p = writeNumberText(b, p, score);
  b[p++] = COMMA;
  b[p++] = score > 0 ? ZERO : ONE;
  b[p++] = LF;
  return p;
}

/** Prediction lines written straight into bytes: no string per row but the score's. */
class OutputBuffer {
  #buf: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.#buf = new Uint8Array(capacity);
  }

  /**
   * One `TS,Device,Sensor,Val,Score,Prediction\n` line per row, TS and Val copied from the input bytes,
   * Score as `String(score)` (the shortest round-trip decimal). One tight loop per model: this and the
   * SVM itself are where the scorer spends its time. @returns the number of anomalies.
   */
  lines(src: Uint8Array, fields: Int32Array, rowIndexes: Int32Array, infix: Uint8Array, scores: Float64Array): number {
    // Worst case per row: TS + Val + infix + the longest score text + ",x\n" and a comma.
    let need = 0;
    for (let i = 0; i < rowIndexes.length; i++) {
      const o = rowIndexes[i]! * 4;
      need += fields[o + 1]! - fields[o]! + fields[o + 3]! - fields[o + 2]!;
    }
    need += rowIndexes.length * (infix.length + MAX_NUMBER_TEXT_LENGTH + MAX_LINE_END_LENGTH);
    if (this.length + need > this.#buf.length) this.#grow(need);
    const b = this.#buf;
    const infixLength = infix.length;
    let p = this.length;
    let anomalies = 0;
    for (let i = 0; i < rowIndexes.length; i++) {
      const o = rowIndexes[i]! * 4;
      for (let j = fields[o]!, end = fields[o + 1]!; j < end; j++) b[p++] = src[j]!;
      for (let j = 0; j < infixLength; j++) b[p++] = infix[j]!;
      for (let j = fields[o + 2]!, end = fields[o + 3]!; j < end; j++) b[p++] = src[j]!;
      const score = scores[i]!;
      p = writeScoreEnd(b, p, score);
      if (score <= 0) anomalies++;
    }
    this.length = p;
    return anomalies;
  }

  /**
   * The same lines for rows that are values (a {@link ValuesChunk}): TS from the chunk's formatted times,
   * Val as `String(value)` (what the CSV the values once came from said, read back; see writeNumberText).
   * @returns the anomalies.
   */
  valueLines(times: Uint8Array, timeOfRow: Int32Array, values: Float64Array, fields: Int32Array, rowIndexes: Int32Array, infix: Uint8Array, scores: Float64Array): number {
    const need = rowIndexes.length * (REFERENCE_TIMESTAMP_LENGTH + infix.length + MAX_LINE_END_LENGTH + MAX_NUMBER_TEXT_LENGTH);
    if (this.length + need > this.#buf.length) this.#grow(need);
    const b = this.#buf;
    let p = this.length;
    let anomalies = 0;
    for (let i = 0; i < rowIndexes.length; i++) {
      const row = fields[rowIndexes[i]! * 4]!;
      const ts = timeOfRow[row]! * REFERENCE_TIMESTAMP_LENGTH;
      for (let j = ts, end = ts + REFERENCE_TIMESTAMP_LENGTH; j < end; j++) b[p++] = times[j]!;
      for (let j = 0; j < infix.length; j++) b[p++] = infix[j]!;
      p = writeNumberText(b, p, values[row]!);
      const score = scores[i]!;
      p = writeScoreEnd(b, p, score);
      if (score <= 0) anomalies++;
    }
    this.length = p;
    return anomalies;
  }

  reset(): void {
    this.length = 0;
  }

  /** The buffer itself (valid until the next write): what `[0, length)` holds. */
  view(): Uint8Array {
    return this.#buf;
  }

  /** A copy of the written bytes in their own ArrayBuffer (transferable; the buffer itself is reused). */
  bytes(): Uint8Array {
    return this.#buf.slice(0, this.length);
  }

  #grow(need: number): void {
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.length + need));
    next.set(this.#buf.subarray(0, this.length));
    this.#buf = next;
  }
}

/** Rows of pairs this scorer does not score, by pair id: the ones without a model, the skipped ones. */
class PairCounts {
  readonly #noModel = new Map<string, number>();
  readonly #skipped = new Map<string, number>();

  add(pair: Exclude<Pair, { kind: "score" }>): void {
    const counts = pair.kind === "skip" ? this.#skipped : this.#noModel;
    counts.set(pair.id, (counts.get(pair.id) ?? 0) + 1);
  }

  result(): Pick<ChunkResult, "noModelRows" | "skippedRows"> {
    return { noModelRows: [...this.#noModel], skippedRows: [...this.#skipped] };
  }
}

/** Malformed rows: all counted, the first few described. */
class MalformedRows {
  readonly #max: number;
  readonly #samples: Array<{ lineInChunk: number; message: string }> = [];
  #count = 0;

  constructor(maxSamples: number) {
    this.#max = maxSamples;
  }

  add(lineInChunk: number, message: string): void {
    this.#count++;
    if (this.#samples.length < this.#max) this.#samples.push({ lineInChunk, message });
  }

  result(): Pick<ChunkResult, "malformedRows" | "malformedSamples"> {
    return { malformedRows: this.#count, malformedSamples: this.#samples };
  }
}
