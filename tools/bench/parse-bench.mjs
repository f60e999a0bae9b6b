#!/usr/bin/env node
// CSV-parsing micro-benchmark: is csv-parse worth replacing in the scorer's hot path?
// The data file is read and gunzipped into memory once; then each parser turns the same bytes into
// records (arrays of field strings), counting data rows. Timed: gunzip alone; csv-parse with the "full"
// options the scorer used up to commit b1664d7 (relax_column_count, skip_empty_lines, trim, info, bom) and
// with default options, each
// through its streaming and its sync API; a plain split-based parser on the whole string and streamed.
// The split parser does not handle quoted fields (the readings CSV has none).
//
//   node --expose-gc tools/bench/parse-bench.mjs [--data <file.csv.gz>] [--repeat N] [--json]
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { parse } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import { SHARED_FIXTURES } from "./bench-paths.mjs";

const DEFAULT_DATA = join(SHARED_FIXTURES, "synthetic-2k/sensor_data.csv.gz");
/** The csv-parse options of libs/batch-scoring/src/read-scoring-input.ts up to commit b1664d7. */
const FULL_OPTIONS = { relax_column_count: true, skip_empty_lines: true, trim: true, info: true, bom: true };
const CHUNK = 64 * 1024;

/** @typedef {{ name: string, seconds: number, rows: number | null }} ParseResult */

/** @param {Buffer} buf */
function* chunks(buf) {
  for (let i = 0; i < buf.length; i += CHUNK) yield buf.subarray(i, i + CHUNK);
}

/** @param {Buffer} buf @param {object} options @returns {Promise<number>} data rows */
async function csvParseStream(buf, options) {
  let n = 0;
  for await (const _ of Readable.from(chunks(buf)).pipe(parse(options))) n++;
  return n - 1;
}

/** @param {Buffer} buf @param {object} options @returns {number} */
function csvParseSync(buf, options) {
  return parseSync(buf, options).length - 1;
}

/**
 * Split-based parser on the whole text: lines on "\n" (dropping "\r"), fields on ",".
 * @param {Buffer} buf @returns {number}
 */
function splitWhole(buf) {
  const lines = buf.toString("utf8").split("\n");
  let n = 0;
  let fields = 0;
  for (const raw of lines) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "") continue;
    fields += line.split(",").length;
    n++;
  }
  if (fields === 0) throw new Error("no fields");
  return n - 1;
}

/**
 * The same split parser fed 64 KB chunks through a stream, carrying the partial last line, as a
 * replacement in a streaming reader would be.
 * @param {Buffer} buf @returns {Promise<number>}
 */
async function splitStream(buf) {
  const decoder = new TextDecoder();
  let carry = "";
  let n = 0;
  let fields = 0;
  const take = (line) => {
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line === "") return;
    fields += line.split(",").length;
    n++;
  };
  for await (const chunk of Readable.from(chunks(buf))) {
    const lines = (carry + decoder.decode(chunk, { stream: true })).split("\n");
    carry = lines.pop() ?? "";
    for (const line of lines) take(line);
  }
  take(carry + decoder.decode());
  if (fields === 0) throw new Error("no fields");
  return n - 1;
}

/**
 * Times fn `repeat` times and keeps the median.
 * @param {string} name
 * @param {() => number | Buffer | Promise<number | Buffer>} fn
 * @param {number} repeat
 * @returns {Promise<ParseResult>}
 */
async function time(name, fn, repeat) {
  const samples = [];
  let rows = null;
  for (let i = 0; i < repeat; i++) {
    globalThis.gc?.();
    const t = performance.now();
    const out = await fn();
    samples.push((performance.now() - t) / 1000);
    rows = typeof out === "number" ? out : null;
  }
  samples.sort((a, b) => a - b);
  return { name, seconds: samples[Math.floor(samples.length / 2)], rows };
}

/**
 * @param {{ data?: string, repeat?: number }} [options]
 * @returns {Promise<{ bytesGz: number, bytes: number, results: ParseResult[] }>}
 */
export async function runParseBench({ data = DEFAULT_DATA, repeat = 1 } = {}) {
  const gz = readFileSync(data);
  const buf = gz[0] === 0x1f && gz[1] === 0x8b ? gunzipSync(gz) : gz;
  const results = [];
  if (buf !== gz) results.push(await time("gunzip alone (zlib.gunzipSync)", () => gunzipSync(gz), repeat));
  results.push(await time("csv-parse stream, full options", () => csvParseStream(buf, FULL_OPTIONS), repeat));
  results.push(await time("csv-parse sync, full options", () => csvParseSync(buf, FULL_OPTIONS), repeat));
  results.push(await time("csv-parse stream, default options", () => csvParseStream(buf, {}), repeat));
  results.push(await time("csv-parse sync, default options", () => csvParseSync(buf, {}), repeat));
  results.push(await time("split, whole string", () => splitWhole(buf), repeat));
  results.push(await time("split, streamed 64 KB chunks", () => splitStream(buf), repeat));
  return { bytesGz: gz.length, bytes: buf.length, results };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: { data: { type: "string" }, repeat: { type: "string" }, json: { type: "boolean" } },
  });
  const out = await runParseBench({ data: values.data, repeat: Number(values.repeat ?? 1) });
  if (values.json) {
    process.stdout.write(JSON.stringify(out));
  } else {
    const { formatParseTable } = await import("./format-table.mjs");
    console.log(formatParseTable(out).join("\n"));
  }
}
