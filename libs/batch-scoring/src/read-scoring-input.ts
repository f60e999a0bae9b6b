import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import {
  READING_CSV_COLUMNS,
  ReadingCsvRecord,
  modelId,
  type MalformedRowSample,
  type ModelKey,
  type OperationOptions,
} from "@fleetscore/contracts";
import { parse } from "csv-parse";
import { BatchScoringError } from "./batch-scoring-error.js";

/** The valid rows of one device x sensor pair, in input order. */
export interface ModelRows extends ModelKey {
  readonly modelId: string;
  /** TS and Value exactly as in the input, so outputs can repeat them byte for byte. */
  readonly tsText: string[];
  readonly valueText: string[];
  readonly values: number[];
}

export interface ScoringInput {
  /** Pairs in order of first appearance. */
  readonly groups: ReadonlyMap<string, ModelRows>;
  /** Data rows read (valid and malformed; the header is not a row). */
  readonly rows: number;
  readonly malformedRows: number;
  /** The first few malformed rows with their 1-based line numbers. */
  readonly malformedSamples: readonly MalformedRowSample[];
}

export interface ReadScoringInputOptions extends OperationOptions {
  /** How many malformed rows to describe in `malformedSamples` (all are counted). Default 10. */
  readonly maxMalformedSamples?: number;
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * Reads a readings CSV (`TS,Device,Sensor,Value`, plain or gzip: detected from the content) and groups
 * its valid rows by device x sensor. Malformed rows are counted and sampled, never returned.
 * @throws BatchScoringError `InputNotFound` or `InvalidInput`, naming the file (and line where known).
 */
export async function readScoringInput(path: string, options: ReadScoringInputOptions = {}): Promise<ScoringInput> {
  const maxSamples = options.maxMalformedSamples ?? 10;
  const gzipped = await hasGzipMagic(path);
  const file = createReadStream(path, options.abortSignal ? { signal: options.abortSignal } : {});
  const text: Readable = gzipped ? file.pipe(createGunzip()) : file;
  if (gzipped) file.on("error", (e) => text.destroy(e));

  const parser = text.pipe(
    parse({ relax_column_count: true, skip_empty_lines: true, trim: true, info: true, bom: true }),
  );
  text.on("error", (e) => parser.destroy(e));

  const groups = new Map<string, ModelRows>();
  const malformedSamples: MalformedRowSample[] = [];
  let rows = 0;
  let malformedRows = 0;
  let columnIndex: Record<(typeof READING_CSV_COLUMNS)[number], number> | undefined;

  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!columnIndex) {
        columnIndex = readHeader(record, path);
        continue;
      }
      rows++;
      const fields = {
        TS: record[columnIndex.TS],
        Device: record[columnIndex.Device],
        Sensor: record[columnIndex.Sensor],
        Value: record[columnIndex.Value],
      };
      const parsed = ReadingCsvRecord.safeParse(fields);
      if (!parsed.success) {
        malformedRows++;
        if (malformedSamples.length < maxSamples) {
          const issue = parsed.error.issues[0]!;
          const column = String(issue.path[0] ?? "row");
          const got = fields[column as keyof typeof fields];
          malformedSamples.push({
            line: info.lines,
            message: got === undefined ? `${column}: missing` : `${column} ${JSON.stringify(got)}: ${issue.message}`,
          });
        }
        continue;
      }
      const r = parsed.data;
      const id = modelId({ deviceId: r.Device, sensorId: r.Sensor });
      let group = groups.get(id);
      if (!group) {
        group = { deviceId: r.Device, sensorId: r.Sensor, modelId: id, tsText: [], valueText: [], values: [] };
        groups.set(id, group);
      }
      group.tsText.push(r.TS);
      group.valueText.push(r.Value);
      group.values.push(Number(r.Value));
    }
  } catch (e) {
    throw toInputError(e, path);
  }
  if (!columnIndex) throw new BatchScoringError(`Data file ${path} is empty: expected a header ${READING_CSV_COLUMNS.join(",")}`, "InvalidInput");
  return { groups, rows, malformedRows, malformedSamples };
}

function readHeader(record: string[], path: string): Record<(typeof READING_CSV_COLUMNS)[number], number> {
  const lower = record.map((c) => c.toLowerCase());
  const missing = READING_CSV_COLUMNS.filter((c) => !lower.includes(c.toLowerCase()));
  if (missing.length > 0) {
    throw new BatchScoringError(
      `Data file ${path} has header ${JSON.stringify(record.join(","))}; missing column(s) ${missing.join(", ")} (expected ${READING_CSV_COLUMNS.join(",")})`,
      "InvalidInput",
    );
  }
  const at = (c: string): number => lower.indexOf(c.toLowerCase());
  return { TS: at("TS"), Device: at("Device"), Sensor: at("Sensor"), Value: at("Value") };
}

async function hasGzipMagic(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (e) {
    throw toInputError(e, path);
  }
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === GZIP_MAGIC[0] && buffer[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

function toInputError(e: unknown, path: string): Error {
  if (e instanceof BatchScoringError || (e as Error).name === "AbortError") return e as Error;
  const err = e as NodeJS.ErrnoException;
  if (err.code === "ENOENT") return new BatchScoringError(`Data file ${path} does not exist`, "InputNotFound", { cause: e });
  if (err.code === "EISDIR") return new BatchScoringError(`Data file ${path} is a folder, expected a CSV file`, "InputNotFound", { cause: e });
  if (err.code === "EACCES") return new BatchScoringError(`Data file ${path} cannot be read (permission denied)`, "InputNotFound", { cause: e });
  if (err.code?.startsWith("Z_") || /unexpected end of file|incorrect header check/.test(err.message)) {
    return new BatchScoringError(`Data file ${path} is not valid gzip or is truncated: ${err.message}`, "InvalidInput", { cause: e });
  }
  if (err.code?.startsWith("CSV_")) return new BatchScoringError(`Data file ${path} is not valid CSV: ${err.message}`, "InvalidInput", { cause: e });
  return new BatchScoringError(`Cannot read data file ${path}: ${err.message}`, "InvalidInput", { cause: e });
}
