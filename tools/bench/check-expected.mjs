// Checks a scoring run's prediction files against a fixture's scikit-learn figures, when it has them
// (synthetic-5k): expected_summary.csv (per model: Rows, Anomalies) and expected_predictions_subset.csv.gz
// (every line of some models: Score within 1e-12, Prediction equal). The bench's contract check.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

const SCORE_TOLERANCE = 1e-12;

/** @param {string} text @returns {string[][]} data lines split on commas */
const csvRows = (text) => text.split("\n").slice(1).filter((l) => l !== "").map((l) => l.split(","));

/**
 * @param {string} fixture folder with expected_summary.csv and/or expected_predictions_subset.csv.gz
 * @returns {Promise<null | { summary: Map<string, { rows: number, anomalies: number }>, subset: Map<string, string[][]> }>}
 */
export async function loadExpected(fixture) {
  const summaryPath = join(fixture, "expected_summary.csv");
  const subsetPath = join(fixture, "expected_predictions_subset.csv.gz");
  if (!existsSync(summaryPath) && !existsSync(subsetPath)) return null;
  const summary = new Map();
  if (existsSync(summaryPath)) {
    for (const [d, s, rows, anomalies] of csvRows(await readFile(summaryPath, "latin1"))) summary.set(`${d}_${s}`, { rows: Number(rows), anomalies: Number(anomalies) });
  }
  const subset = new Map();
  if (existsSync(subsetPath)) {
    for (const row of csvRows(gunzipSync(await readFile(subsetPath)).toString("latin1"))) {
      const id = `${row[1]}_${row[2]}`;
      if (!subset.has(id)) subset.set(id, []);
      subset.get(id).push(row);
    }
  }
  return { summary, subset };
}

/**
 * @param {string} dir the run's output folder (preds_<D>_<S>.csv: TS,Device,Sensor,Val,Score,Prediction)
 * @param {NonNullable<Awaited<ReturnType<typeof loadExpected>>>} expected
 * @returns {Promise<{ ok: boolean, failure?: string, maxScoreDiff: number }>}
 */
export async function checkExpected(dir, expected) {
  const problems = [];
  let maxScoreDiff = 0;
  for (const [id, want] of expected.summary) {
    const path = join(dir, `preds_${id}.csv`);
    if (!existsSync(path)) {
      problems.push(`no preds_${id}.csv`);
      continue;
    }
    const rows = csvRows(await readFile(path, "latin1"));
    const anomalies = rows.filter((r) => r[5] === "1").length;
    if (rows.length !== want.rows || anomalies !== want.anomalies) problems.push(`model ${id}: ${rows.length} rows, ${anomalies} anomalies; scikit-learn ${want.rows}, ${want.anomalies}`);
    const lines = expected.subset.get(id);
    if (!lines) continue;
    if (lines.length !== rows.length) continue;
    for (let i = 0; i < lines.length; i++) {
      const diff = Math.abs(Number(rows[i][4]) - Number(lines[i][4]));
      maxScoreDiff = Math.max(maxScoreDiff, diff);
      if (rows[i][5] !== lines[i][5] || rows[i][0] !== lines[i][0] || !(diff <= SCORE_TOLERANCE)) {
        problems.push(`model ${id} line ${i + 2}: ${rows[i].join(",")}; scikit-learn ${lines[i].join(",")}`);
        break;
      }
    }
  }
  const failure = problems.length ? `${problems.length} disagreement(s) with scikit-learn, first: ${problems[0]}` : undefined;
  return failure ? { ok: false, failure, maxScoreDiff } : { ok: true, maxScoreDiff };
}
