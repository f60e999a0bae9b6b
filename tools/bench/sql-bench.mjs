#!/usr/bin/env node
/**
 * `npm run bench:sql`: the aggregator and the scorer on SQL, on synthetic-2k (2,004,024 readings):
 *  1. aggregation into SQLite with 5 s windows (the whole `aggregator run` command), next to a naive baseline
 *     (readline + one INSERT per reading + GROUP BY in SQLite: naive-sql-aggregation.mjs);
 *  2. the same aggregation into PostgreSQL (a server started on a temp dir, as the tests do);
 *  3. scoring from SQL versus from the CSV: the readings aggregated in 1 s windows (one reading per window, so
 *     both runs score the same values), then `score --data sqlite:... --from --to` next to `score --data <csv>`.
 * Prints wall seconds, rows/s and peak RSS of each command.
 * Usage: node tools/bench/sql-bench.mjs [--fixture DIR] [--scoring-only] [--pairs N]
 *   --scoring-only: only part 3 (the 1 s aggregation it needs, then the scoring runs).
 *   --pairs N: N alternating pairs of scoring runs (CSV, then SQLite), each with the load average at its start:
 *     on a shared machine compare the ratios, not the times. Default 1.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { BENCH_DIR, ROOT, SHARED_FIXTURES, builtMain } from "./bench-paths.mjs";
import { fixed, int, ratio, table } from "./format-table.mjs";
import { machineInfo } from "./machine-info.mjs";
import { runChild, stopChildren } from "./run-child.mjs";

const AGGREGATOR = builtMain("apps/aggregator");
const SCORER = builtMain("apps/scorer");
const NAIVE = join(BENCH_DIR, "naive-sql-aggregation.mjs");
const { values } = parseArgs({
  options: {
    fixture: { type: "string", default: join(SHARED_FIXTURES, "synthetic-2k") },
    "scoring-only": { type: "boolean", default: false },
    pairs: { type: "string", default: "1" },
  },
});
const pairs = Math.max(1, Number(values.pairs) || 1);
const fixture = resolve(values.fixture);
const data = join(fixture, "sensor_data.csv.gz");
const models = join(fixture, "models");
const READINGS = 2_004_024;
const progress = (msg) => process.stderr.write(`${msg}\n`);

const work = await mkdtemp(join(os.tmpdir(), "fleetscore-sql-bench-"));
let pg;
const cleanup = async () => {
  await pg?.dispose();
  await rm(work, { recursive: true, force: true });
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    await stopChildren();
    await cleanup();
    process.exit(130);
  });
}

progress("bench:sql: building the aggregator, the scorer and sql-aggregates");
const build = spawnSync("npx", ["nx", "run-many", "-t", "build", "-p", "aggregator", "scorer", "sql-aggregates", "--outputStyle=static"], { cwd: ROOT, stdio: "ignore" });
if (build.status !== 0) throw new Error("build failed: run `npx nx run-many -t build` to see why");

const env = { ...process.env, FLEETSCORE_LOG_LEVEL: "warning" };
/** @param {string} name @param {string} script @param {string[]} args */
async function measure(name, script, args) {
  progress(`bench:sql: ${name}`);
  const r = await runChild(script, args, { env, cwd: work, timeoutMs: 600_000 });
  if (r.code !== 0) throw new Error(`${name} failed (exit ${r.code}): ${r.stderrTail}`);
  return r;
}

try {
  const machine = machineInfo();
  console.log(`fleetscore bench:sql  ${machine.date}`);
  console.log(`cpu: ${machine.cpu}; cores: ${machine.cores}; node ${machine.node}; memory: ${int(machine.totalMemoryMB)} MB; ${machine.platform}`);
  console.log(`load average (1 min) at start: ${fixed(machine.loadAverage1m)}${machine.loadAverage1m > 0.5 ? " (other work is running: figures will be noisy)" : ""}\n`);

  const windows = (r) => Number(/windows written (\d+)/.exec(r.stdout)?.[1] ?? JSON.parse(r.stdout || "{}").windows);
  if (!values["scoring-only"]) await aggregationBench(windows);

  // 3: scoring from SQL vs from the CSV.
  const oneSecond = `sqlite:${join(work, "agg-1s.db")}`;
  const agg1s = await measure("aggregator -> SQLite, 1 s windows", AGGREGATOR, ["run", "--from", data, "--to", oneSecond, "--window", "1s"]);
  const rows = (r) => Number(/rows: ([\d,]+) read/.exec(r.stdout)?.[1]?.replace(/,/g, ""));
  const scoreArgs = (runId) => ["--out", join(work, "out"), "--run-id", runId];
  const measured = [];
  for (let i = 0; i < pairs; i++) {
    const load = os.loadavg()[0];
    const scoreCsv = await measure(`score from the CSV (pair ${i + 1})`, SCORER, ["score", "--models", models, "--data", data, ...scoreArgs(`csv-${i}`)]);
    const scoreSql = await measure(`score from SQLite (pair ${i + 1})`, SCORER, ["score", "--models", models, "--data", oneSecond, "--from", "2023-12-31T00:00:00Z", "--to", "2024-01-02T00:00:00Z", ...scoreArgs(`sql-${i}`)]);
    measured.push({ load, scoreCsv, scoreSql });
  }
  console.log(`\nScoring synthetic-2k (2,000 models) from SQLite vs from the CSV (${int(windows(agg1s))} windows of 1 s), whole command, ${pairs} alternating pair(s):`);
  for (const line of table(
    ["pair", "load (1 min)", "CSV wall s", "SQLite wall s", "SQLite / CSV", "CPU s (CSV / SQLite)", "rows (CSV / SQLite)", "peak RSS MB (CSV / SQLite)"],
    measured.map(({ load, scoreCsv, scoreSql }, i) => [
      String(i + 1),
      fixed(load),
      fixed(scoreCsv.wallSeconds),
      fixed(scoreSql.wallSeconds),
      `${(scoreSql.wallSeconds / scoreCsv.wallSeconds).toFixed(2)}x`,
      `${fixed(scoreCsv.cpuSeconds)} / ${fixed(scoreSql.cpuSeconds)}`,
      `${int(rows(scoreCsv))} / ${int(rows(scoreSql))}`,
      `${int(scoreCsv.maxRssMB)} / ${int(scoreSql.maxRssMB)}`,
    ]),
  ))
    console.log(line);
} finally {
  await cleanup();
}

/** Parts 1 and 2: aggregation into SQLite and PostgreSQL, next to the naive baseline. */
async function aggregationBench(windows) {
  const { startTestPostgres } = await import(pathToFileURL(join(ROOT, "libs/sql-aggregates/dist/testing/index.js")).href);
  pg = await startTestPostgres();
  const runs = [
    ["aggregator -> SQLite", await measure("aggregator -> SQLite", AGGREGATOR, ["run", "--from", data, "--to", `sqlite:${join(work, "agg.db")}`])],
    ["aggregator -> PostgreSQL", await measure("aggregator -> PostgreSQL", AGGREGATOR, ["run", "--from", data, "--to", pg.url])],
    ["naive: INSERT + GROUP BY (SQLite)", await measure("naive baseline", NAIVE, [data, join(work, "naive.db")])],
  ];
  const baseline = runs[2][1];
  console.log(`Aggregation of synthetic-2k (${int(READINGS)} readings, 5 s windows), whole command:`);
  for (const line of table(
    ["run", "wall s", "readings/s", "windows", "peak RSS MB", "vs naive"],
    runs.map(([name, r]) => [name, fixed(r.wallSeconds), int(READINGS / r.wallSeconds), int(windows(r)), int(r.maxRssMB), ratio(baseline.wallSeconds, r.wallSeconds)]),
  ))
    console.log(line);
}
