// Checks that a scoring run wrote outputs of the expected shape: N preds_<D>_<S>.csv files plus
// _manifest.json, and the expected total of data rows across the preds files (lines counted as bytes).
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";

const PREDS = /^preds_[^_]+_[^_]+\.csv$/;

/**
 * Data rows of one CSV file: its lines, minus the header.
 * @param {Buffer} buf
 * @returns {number}
 */
function dataRows(buf) {
  if (buf.length === 0) return 0;
  let lines = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) lines++;
  if (buf[buf.length - 1] !== 10) lines++;
  return lines - 1;
}

/**
 * @param {string} dir the run's output folder
 * @param {{ files: number, rows: number }} expected
 * @param {{ manifest?: boolean }} [options] manifest: whether a `_manifest.json` is expected (default true)
 * @returns {Promise<{ ok: boolean, failure?: string, files: number, rows: number }>}
 */
export async function checkOutput(dir, expected, options = {}) {
  let names;
  try {
    names = await readdir(dir);
  } catch {
    return { ok: false, failure: `no output folder ${dir}`, files: 0, rows: 0 };
  }
  const preds = names.filter((n) => PREDS.test(n));
  let rows = 0;
  for (const name of preds) rows += dataRows(await readFile(join(dir, name)));
  const problems = [];
  if (options.manifest !== false && !names.includes("_manifest.json")) problems.push("no _manifest.json");
  if (preds.length !== expected.files) problems.push(`${preds.length} preds files, expected ${expected.files}`);
  if (rows !== expected.rows) problems.push(`${rows} rows, expected ${expected.rows}`);
  return problems.length ? { ok: false, failure: problems.join("; "), files: preds.length, rows } : { ok: true, files: preds.length, rows };
}

/**
 * Counts the data rows of an in-memory CSV (lines after the header, ignoring blank lines at the end).
 * @param {Buffer} buf
 * @returns {number}
 */
export function countDataRows(buf) {
  let end = buf.length;
  while (end > 0 && (buf[end - 1] === 10 || buf[end - 1] === 13)) end--;
  return dataRows(buf.subarray(0, end));
}
