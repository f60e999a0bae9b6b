#!/usr/bin/env node
// Builds a bigger readings file for the memory check: the source data repeated N times (default 10), with
// every timestamp of repetition k shifted by +k days, so rows stay valid and sorted per model (the source
// must span less than a day, as synthetic-2k does: 3 hours). Streams gunzip -> rewrite -> gzip: the data
// is never held in memory.
//
//   node tools/bench/make-10x-data.mjs --data <file.csv[.gz]> --out <file.csv.gz> [--times 10]
import { createReadStream, createWriteStream } from "node:fs";
import { open } from "node:fs/promises";
import { resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createGunzip, createGzip } from "node:zlib";

const DATE = /^\d{4}-\d{2}-\d{2}/;

/**
 * Returns a function shifting the leading `YYYY-MM-DD` of a timestamp by `days` (cached per date).
 * Works for `YYYY-MM-DD HH:MM:SS[.fff]` and ISO-8601 alike: only the calendar date changes.
 * @param {number} days
 * @returns {(ts: string) => string}
 */
function dateShifter(days) {
  /** @type {Map<string, string>} */
  const cache = new Map();
  return (ts) => {
    if (days === 0) return ts;
    const date = ts.slice(0, 10);
    let shifted = cache.get(date);
    if (shifted === undefined) {
      if (!DATE.test(date)) return ts; // malformed rows stay malformed
      const [y, m, d] = date.split("-").map(Number);
      shifted = new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
      cache.set(date, shifted);
    }
    return shifted + ts.slice(10);
  };
}

/** @param {string} path @returns {Promise<boolean>} */
async function isGzip(path) {
  const h = await open(path, "r");
  try {
    const { bytesRead, buffer } = await h.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await h.close();
  }
}

/**
 * Yields the lines of a (possibly gzip'd) text file, without line terminators.
 * @param {string} path
 * @returns {AsyncGenerator<string[]>} batches of lines
 */
async function* lineBatches(path) {
  const file = createReadStream(path);
  const text = (await isGzip(path)) ? file.pipe(createGunzip()) : file;
  file.on("error", (e) => text.destroy(e));
  text.setEncoding("utf8");
  let carry = "";
  for await (const chunk of text) {
    const lines = (carry + chunk).split("\n");
    carry = lines.pop() ?? "";
    yield lines;
  }
  if (carry !== "") yield [carry];
}

/**
 * Writes `times` copies of the data rows of `data` (one header) to `out`, gzip'd.
 * @param {{ data: string, out: string, times?: number }} options
 * @returns {Promise<{ rows: number }>} data rows written
 */
export async function makeMultipliedData({ data, out, times = 10 }) {
  let rows = 0;
  async function* generate() {
    for (let k = 0; k < times; k++) {
      const shift = dateShifter(k);
      let tsIndex = -1;
      let first = true;
      for await (const lines of lineBatches(data)) {
        let text = "";
        for (let line of lines) {
          if (line.endsWith("\r")) line = line.slice(0, -1);
          if (first) {
            first = false;
            tsIndex = line.replace(/^\uFEFF/, "").split(",").findIndex((c) => c.trim().toLowerCase() === "ts");
            if (tsIndex < 0) throw new Error(`${data}: no TS column in the header`);
            if (k === 0) text += `${line}\n`;
            continue;
          }
          if (line.trim() === "") continue;
          rows++;
          if (tsIndex === 0) {
            text += `${shift(line)}\n`;
          } else {
            const f = line.split(",");
            if (f[tsIndex] !== undefined) f[tsIndex] = shift(f[tsIndex]);
            text += `${f.join(",")}\n`;
          }
        }
        if (text) yield text;
      }
    }
  }
  await pipeline(generate, createGzip({ level: 1 }), createWriteStream(out));
  return { rows };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: { data: { type: "string" }, out: { type: "string" }, times: { type: "string" } },
  });
  if (!values.data || !values.out) {
    console.error("usage: node make-10x-data.mjs --data <file.csv[.gz]> --out <file.csv.gz> [--times 10]");
    process.exit(2);
  }
  const t = performance.now();
  const { rows } = await makeMultipliedData({ data: values.data, out: values.out, times: Number(values.times ?? 10) });
  console.log(`${rows} rows -> ${values.out} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
