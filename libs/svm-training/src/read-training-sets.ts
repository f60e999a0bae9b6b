import type { ScoringInput } from "@fleetscore/batch-scoring";
import type { OperationOptions } from "@fleetscore/contracts";
import { isReadingsCsvError, latin1, readLineChunks, ReadingsCsvParser } from "@fleetscore/readings-csv";
import { SvmTrainingError } from "./svm-training-error.js";

/** The values of one (device, sensor) pair, in the order the input holds them. */
export interface TrainingSet {
  readonly deviceId: string;
  readonly sensorId: string;
  readonly values: Float64Array;
}

export interface TrainingData {
  readonly sets: readonly TrainingSet[];
  /** Rows read (valid ones). */
  readonly rows: number;
  /** CSV rows that are not valid readings (skipped, as the scorer skips them). */
  readonly malformed: number;
}

export interface ReadTrainingSetsOptions extends OperationOptions {
  /** Called as the input is read: rows so far, and the file's bytes read of its size (0 for SQL). */
  readonly onProgress?: (p: { readonly rows: number; readonly bytesRead: number; readonly totalBytes: number }) => void;
}

/** Growable per-pair values: a few doublings instead of a number[] per pair. */
class Values {
  #data = new Float64Array(64);
  length = 0;
  push(v: number): void {
    if (this.length === this.#data.length) {
      const grown = new Float64Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.length++] = v;
  }
  finish(): Float64Array {
    return this.#data.slice(0, this.length);
  }
}

/**
 * Groups an input opened by batch-scoring's `openScoringInput` into one training set per (device, sensor):
 * a readings CSV (plain or gzip) with readings-csv's parser, rows in file order; SQL window aggregates by
 * their means, in window-end order. Pairs come out in the order they first appear.
 * @throws SvmTrainingError `InvalidInput` (the CSV cannot be read as readings, or the input has no row).
 */
export async function readTrainingSets(input: ScoringInput, options: ReadTrainingSetsOptions = {}): Promise<TrainingData> {
  const pairs = new Map<string, Map<string, Values>>();
  const add = (deviceId: string, sensorId: string, value: number): void => {
    let sensors = pairs.get(deviceId);
    if (!sensors) pairs.set(deviceId, (sensors = new Map()));
    let values = sensors.get(sensorId);
    if (!values) sensors.set(sensorId, (values = new Values()));
    values.push(value);
  };
  let rows = 0;
  let malformed = 0;
  const signal = options.abortSignal ? { abortSignal: options.abortSignal } : {};
  if (input.kind === "windows") {
    for await (const page of input.readWindows(undefined, signal)) {
      for (const w of page) add(w.deviceId, w.sensorId, w.mean);
      rows += page.length;
      options.onProgress?.({ rows, bytesRead: 0, totalBytes: 0 });
    }
  } else {
    try {
      const { header, chunks } = await readLineChunks(input.path, signal);
      const parser = new ReadingsCsvParser(
        {
          row: (buf, f, value) => add(latin1(buf, f[2]!, f[3]!), latin1(buf, f[4]!, f[5]!), value),
          malformed: () => malformed++,
        },
        { columns: header.columns },
      );
      for await (const chunk of chunks) {
        parser.push(chunk.bytes);
        rows = parser.rows - malformed;
        options.onProgress?.({ rows, bytesRead: chunk.fileBytesRead, totalBytes: input.sizeInBytes });
      }
      parser.end();
      rows = parser.rows - malformed;
    } catch (e) {
      if (isReadingsCsvError(e)) throw new SvmTrainingError(`${input.location}: ${e.message}`, "InvalidInput", { cause: e });
      throw e;
    }
  }
  if (rows === 0) throw new SvmTrainingError(`${input.location} holds no reading to train on${malformed > 0 ? ` (${malformed} malformed rows)` : ""}`, "InvalidInput");
  const sets: TrainingSet[] = [];
  for (const [deviceId, sensors] of pairs) for (const [sensorId, values] of sensors) sets.push({ deviceId, sensorId, values: values.finish() });
  return { sets, rows, malformed };
}
