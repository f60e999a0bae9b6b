#!/usr/bin/env node
// `npm run bench`: end-to-end benchmark of the scorer's whole `score` command next to the seed-equivalent
// Python baseline (../shared/bench/seed-baseline.py: read the CSV once, per model load its pickle,
// decision_function, one CSV per model with pandas) on synthetic-5k and synthetic-2k: the runs alternate,
// round after round (--repeat), and the report prints wall, user+sys CPU, peak RSS and the ratios. Also:
// other engines and a naive Node baseline (--runs), a CSV-parsing micro-benchmark (--parsers), peak RSS on
// 10x the rows (--memory). Results: tools/bench/results/latest.json. See tools/bench/README.md.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { BENCH_DIR, ROOT, SHARED_FIXTURES, builtMain } from "./bench-paths.mjs";
import { checkExpected, loadExpected } from "./check-expected.mjs";
import { checkOutput, countDataRows } from "./check-output.mjs";
import { findPython, PYTHON_INSTALL_HINT } from "./find-python.mjs";
import { fixed, formatMemoryTable, formatParseTable, formatRunTable, int } from "./format-table.mjs";
import { machineInfo } from "./machine-info.mjs";
import { makeMultipliedData } from "./make-10x-data.mjs";
import { runChild, stopChildren } from "./run-child.mjs";

const DEFAULT_SCORER = builtMain("apps/scorer");
const BASELINE = join(BENCH_DIR, "naive-baseline.mjs");
const SEED_BASELINE = join(ROOT, "../shared/bench/seed-baseline.py");
const PARSE_BENCH = join(BENCH_DIR, "parse-bench.mjs");
const DEFAULT_FIXTURES = ["synthetic-5k", "synthetic-2k"].map((f) => join(SHARED_FIXTURES, f));
const RESULTS = join(BENCH_DIR, "results/latest.json");
const RUN_ID = "bench";
/** The run the ratios are against: the seed baseline when it ran, else the naive Node one. */
const BASELINE_RUNS = ["seed", "baseline"];

/**
 * @typedef {object} RunDef
 * @property {string} name
 * @property {string} description
 * @property {"scorer" | "baseline" | "seed"} kind
 * @property {"auto" | "ts" | "onnx"} [engine]
 * @property {boolean} [onnxOnly] point --models at a folder holding only the .onnx files
 * @property {number} [workers] this worker count instead of --workers
 * @property {boolean} [float32] scores in float32 (onnx): not held to scikit-learn's 1e-12
 * @property {string} [scorer] this build of the scorer instead of --scorer (--compare)
 */

/** @type {RunDef[]} */
const RUNS = [
  { name: "auto", kind: "scorer", engine: "auto", description: "score (default engine: ts on the float64 .json params), --workers N" },
  { name: "auto-1w", kind: "scorer", engine: "auto", workers: 1, description: "the same with --workers 1 (for the 2-worker scaling)" },
  { name: "seed", kind: "seed", description: "seed-baseline.py: one Python process, pickles, sklearn decision_function, pandas to_csv" },
  { name: "ts-onnx", kind: "scorer", engine: "ts", onnxOnly: true, float32: true, description: "score --engine ts on the .onnx only (float32)" },
  { name: "onnx", kind: "scorer", engine: "onnx", float32: true, description: "score --engine onnx (onnxruntime-node)" },
  { name: "baseline", kind: "baseline", float32: true, description: "naive-baseline.mjs: whole CSV in memory, 1 ORT session per model, sequential" },
];
const DEFAULT_RUNS = "auto,auto-1w,seed";

const USAGE = `usage: npm run bench -- [--repeat N] [--runs ${RUNS.map((r) => r.name).join(",")}] [--fixture DIR[,DIR]]
                        [--workers N] [--parsers] [--memory] [--skip-build] [--scorer PATH/main.js] [--compare PATH/main.js] [--timeout SECONDS]`;

/** Temp files and folders to delete on exit, even on Ctrl-C. */
const temps = new Set();
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    progress(`bench: ${signal}: stopping the running child and deleting temporary files`);
    await stopChildren();
    for (const p of temps) rmSync(p, { recursive: true, force: true, maxRetries: 3 });
    process.exit(130);
  });
}

/** @param {string} prefix */
async function tempDir(prefix) {
  const dir = await mkdtemp(join(os.tmpdir(), prefix));
  temps.add(dir);
  return dir;
}
/** @param {string} path */
async function removeTemp(path) {
  await rm(path, { recursive: true, force: true });
  temps.delete(path);
}

/** @param {number[]} xs */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** @param {string} msg */
const progress = (msg) => process.stderr.write(`${msg}\n`);

function parseOptions() {
  const { values } = parseArgs({
    options: {
      repeat: { type: "string", default: "3" },
      memory: { type: "boolean", default: false },
      parsers: { type: "boolean", default: false },
      runs: { type: "string", default: DEFAULT_RUNS },
      workers: { type: "string" },
      "skip-build": { type: "boolean", default: false },
      scorer: { type: "string" },
      compare: { type: "string" },
      timeout: { type: "string", default: "600" },
      fixture: { type: "string", multiple: true },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const repeat = Number(values.repeat);
  const timeoutSeconds = Number(values.timeout);
  const workers = values.workers === undefined ? os.availableParallelism() : Number(values.workers);
  const runs = values.runs.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = runs.filter((n) => !RUNS.some((r) => r.name === n));
  if (!Number.isInteger(repeat) || repeat < 1 || !(timeoutSeconds > 0) || !Number.isInteger(workers) || workers < 0 || unknown.length) {
    console.error(unknown.length ? `unknown run(s): ${unknown.join(", ")}` : "bad --repeat, --timeout or --workers");
    console.error(USAGE);
    process.exit(2);
  }
  return {
    repeat,
    memory: values.memory,
    parsers: values.parsers,
    runs,
    workers,
    // Another build of the scorer (e.g. a snapshot of another commit) is used as it is.
    skipBuild: values["skip-build"] || values.scorer !== undefined,
    scorer: values.scorer === undefined ? DEFAULT_SCORER : resolve(values.scorer),
    // Another build (e.g. a snapshot of the commit before a change), run as `auto` and `auto-1w` are, in the same rounds.
    compare: values.compare === undefined ? null : resolve(values.compare),
    timeoutSeconds,
    fixtures: (values.fixture ?? DEFAULT_FIXTURES).flatMap((f) => f.split(",")).filter(Boolean).map((f) => resolve(f)),
  };
}

/** Builds the scorer with Nx (cached when nothing changed). @returns {number} seconds */
function buildScorer() {
  progress("  building the scorer (npx nx run scorer:build) ...");
  const t = performance.now();
  const r = spawnSync("npx", ["nx", "run", "scorer:build", "--outputStyle=static"], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0 || !existsSync(DEFAULT_SCORER)) {
    console.error(`bench: building the scorer failed (exit ${r.status})\n${(r.stdout + r.stderr).slice(-4000)}`);
    process.exit(1);
  }
  return (performance.now() - t) / 1000;
}

/**
 * The commit of the checkout holding `file`, and whether its apps/ or libs/ have uncommitted changes.
 * @param {string} file
 * @returns {{ commit: string | null, dirty: boolean | null }}
 */
function gitState(file) {
  const git = (...args) => spawnSync("git", args, { cwd: dirname(file), encoding: "utf8" });
  const head = git("rev-parse", "HEAD");
  if (head.status !== 0) return { commit: null, dirty: null };
  const status = git("status", "--porcelain", "--", ":/apps", ":/libs");
  return { commit: head.stdout.trim(), dirty: status.status === 0 ? status.stdout.trim() !== "" : null };
}

/** @param {string} scorer @returns {boolean} whether `score --help` lists --workers */
function scorerHasWorkersFlag(scorer) {
  const r = spawnSync(process.execPath, [scorer, "score", "--help"], { encoding: "utf8" });
  return /--workers\b/.test(`${r.stdout}${r.stderr}`);
}

/**
 * @typedef {object} RunCtx
 * @property {string} scorer
 * @property {string} data
 * @property {string} models
 * @property {string} onnxOnlyModels
 * @property {string | null} pickles the seed baseline's pickle folder, when the fixture has one
 * @property {string | null} python an interpreter with scikit-learn and pandas
 * @property {{ files: number, rows: number }} expected
 * @property {Awaited<ReturnType<typeof loadExpected>>} sklearn the fixture's scikit-learn figures, if any
 * @property {number} repeat
 * @property {number | null} workers null: the scorer has no --workers flag
 * @property {number} timeoutSeconds
 * @property {string} [label]
 */

/**
 * Why a run cannot be made with this context (the row is then skipped, not failed), or null.
 * @param {RunDef} def @param {RunCtx} ctx
 */
function skipReason(def, ctx) {
  if (def.kind !== "seed") return null;
  if (!ctx.python) return `no python3 with scikit-learn and pandas: ${PYTHON_INSTALL_HINT}`;
  if (!ctx.pickles) return "the fixture has no models-pickle/ folder";
  if (!existsSync(SEED_BASELINE)) return `${SEED_BASELINE} is missing`;
  return null;
}

/**
 * Runs one configuration once on a fresh output folder (deleted afterwards) and checks its outputs.
 * @param {RunDef} def @param {RunCtx} ctx @param {number} round 0-based
 */
async function runOnce(def, ctx, round) {
  const out = await tempDir(`bench-${def.name}-`);
  try {
    const models = def.onnxOnly ? ctx.onnxOnlyModels : ctx.models;
    const workers = def.workers ?? ctx.workers;
    const workersArgs = ctx.workers === null || workers === null ? [] : ["--workers", String(workers)];
    /** @type {[string, string[], string, { python?: string }]} */
    const [script, args, outputDir, how] =
      def.kind === "seed"
        ? [SEED_BASELINE, [ctx.data, /** @type {string} */ (ctx.pickles), out], out, { python: /** @type {string} */ (ctx.python) }]
        : def.kind === "baseline"
          ? [BASELINE, ["--models", models, "--data", ctx.data, "--out", out], out, {}]
          : [
              def.scorer ?? ctx.scorer,
              ["score", "--models", models, "--data", ctx.data, "--out", out, "--run-id", RUN_ID, "--engine", def.engine ?? "auto", ...workersArgs],
              join(out, RUN_ID),
              {},
            ];
    const label = `${ctx.label ?? def.name} ${round + 1}/${ctx.repeat}`;
    progress(`  ${label} ...`);
    const r = await runChild(script, args, {
      cwd: ROOT,
      env: { ...process.env, FLEETSCORE_LOG_LEVEL: "warning" },
      timeoutMs: ctx.timeoutSeconds * 1000,
      ...how,
    });
    /** @type {{ ok: boolean, files: number, rows: number, failure?: string }} */
    let check = { ok: false, files: 0, rows: 0 };
    if (r.timedOut) check.failure = `timed out after ${ctx.timeoutSeconds} s`;
    else if (r.code !== 0) check.failure = r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
    // The seed baseline writes no manifest.
    else check = await checkOutput(outputDir, ctx.expected, { manifest: def.kind !== "seed" });
    // The contract, where the fixture has scikit-learn's figures: labels equal, scores within 1e-12.
    let maxScoreDiff = null;
    if (check.ok && ctx.sklearn && !ctx.label && !def.float32) {
      const c = await checkExpected(outputDir, ctx.sklearn);
      maxScoreDiff = c.maxScoreDiff;
      if (!c.ok) check = { ...check, ok: false, failure: c.failure };
    }
    progress(`  ${label}: ${fixed(r.wallSeconds)} s, ${fixed(r.cpuSeconds ?? NaN)} s CPU, ${int(r.maxRssMB ?? NaN)} MB${check.ok ? "" : `, FAILED: ${check.failure}`}`);
    if (!check.ok && r.stderrTail) progress(r.stderrTail.trim().split("\n").slice(-5).map((l) => `    | ${l.slice(0, 300)}`).join("\n"));
    return {
      ok: check.ok,
      failure: check.failure,
      exitCode: r.code,
      signal: r.signal,
      loadAverage1m: os.loadavg()[0],
      wallSeconds: r.wallSeconds,
      cpuSeconds: r.cpuSeconds,
      maxRssMB: r.maxRssMB,
      descendantsMaxRssMB: r.descendantsMaxRssMB,
      outputFiles: check.files,
      outputRows: check.rows,
      maxScoreDiff,
      stdout: r.stdout.trim(),
      stderrTail: check.ok ? undefined : r.stderrTail,
    };
  } finally {
    await removeTemp(out);
  }
}

/** Medians of a configuration's samples. @param {RunDef} def @param {RunCtx} ctx @param {Awaited<ReturnType<typeof runOnce>>[]} samples */
function summarize(def, ctx, samples) {
  const ok = samples.every((s) => s.ok);
  const wallSeconds = median(samples.map((s) => s.wallSeconds));
  const rss = samples.map((s) => s.maxRssMB).filter((x) => x !== null);
  return {
    name: ctx.label ?? def.name,
    description: def.description,
    ok,
    failure: samples.find((s) => !s.ok)?.failure,
    rows: ctx.expected.rows,
    wallSeconds,
    rowsPerSecond: ctx.expected.rows / wallSeconds,
    maxRssMB: rss.length ? median(rss) : null,
    cpuSeconds: median(samples.map((s) => s.cpuSeconds ?? NaN)),
    samples,
  };
}

/**
 * Runs the configurations in rounds, each round every configuration once (a, b, c, a, b, c, ...): on a
 * shared machine a burst of other work then falls on all of them, not on one, and the ratios stay fair.
 * @param {RunDef[]} defs @param {RunCtx} ctx
 */
async function measureAlternating(defs, ctx) {
  /** @type {Map<string, Awaited<ReturnType<typeof runOnce>>[]>} */
  const samples = new Map(defs.map((d) => [d.name, []]));
  for (let round = 0; round < ctx.repeat; round++) {
    for (const def of defs) samples.get(def.name)?.push(await runOnce(def, ctx, round));
  }
  return defs.map((def) => summarize(def, ctx, samples.get(def.name) ?? []));
}

/** Runs parse-bench.mjs in a fresh process (its own heap). */
async function runParsers(data, repeat) {
  progress("  parsers ...");
  const r = await runChild(PARSE_BENCH, ["--json", "--data", data, "--repeat", String(repeat)], { nodeArgs: ["--expose-gc"], cwd: ROOT });
  if (r.code !== 0) return { ok: false, failure: `exit ${r.code}: ${r.stderrTail.trim().split("\n").slice(-3).join(" | ")}` };
  return { ok: true, ...JSON.parse(r.stdout) };
}

/**
 * Everything the bench does on one fixture; prints its tables.
 * @param {string} fixture
 * @param {ReturnType<typeof parseOptions>} opts
 * @param {{ workers: number | null, python: string | null }} env
 */
async function benchFixture(fixture, opts, env) {
  const models = join(fixture, "models");
  const data = ["sensor_data.csv.gz", "sensor_data.csv"].map((f) => join(fixture, f)).find((f) => existsSync(f));
  if (!data || !existsSync(models)) {
    console.log(`\nbench: skipping ${fixture}: no models/ and sensor_data.csv[.gz] there`);
    return { fixture, skipped: "no models/ and sensor_data.csv[.gz]" };
  }
  const pickleDir = join(fixture, "models-pickle");
  const pickles = existsSync(pickleDir) ? pickleDir : null;
  const onnxFiles = readdirSync(models).filter((f) => /^model_[^_]+_[^_]+\.onnx$/.test(f));
  const gz = readFileSync(data);
  const expected = { files: onnxFiles.length, rows: countDataRows(gz[0] === 0x1f ? gunzipSync(gz) : gz) };
  console.log(`\ndata: ${data} (${int(expected.files)} models, ${int(expected.rows)} rows)`);

  const onnxOnlyModels = await tempDir("bench-onnx-only-");
  for (const f of onnxFiles) symlinkSync(join(models, f), join(onnxOnlyModels, f));

  /** @type {RunCtx} */
  const sklearn = await loadExpected(fixture);
  const ctx = { scorer: opts.scorer, data, models, onnxOnlyModels, pickles, python: env.python, expected, sklearn, repeat: opts.repeat, workers: env.workers, timeoutSeconds: opts.timeoutSeconds };
  const wanted = RUNS.filter((r) => opts.runs.includes(r.name));
  if (opts.compare) {
    for (const def of RUNS.filter((r) => r.name.startsWith("auto") && opts.runs.includes(r.name))) {
      wanted.push({ ...def, name: `${def.name}@compare`, scorer: opts.compare, description: `${def.name} with ${opts.compare}` });
    }
  }
  const skipped = wanted.map((def) => ({ name: def.name, reason: skipReason(def, ctx) })).filter((s) => s.reason !== null);
  for (const s of skipped) progress(`  skipping ${s.name}: ${s.reason}`);
  const defs = wanted.filter((def) => !skipped.some((s) => s.name === def.name));
  const results = { fixture, dataset: { data, models, pickles, ...expected }, runs: [], skipped, parsers: null, memory: null };
  try {
    results.runs = await measureAlternating(defs, ctx);
    if (opts.parsers) results.parsers = await runParsers(data, opts.repeat);
    if (opts.memory) {
      const auto = RUNS[0];
      const one = results.runs.find((r) => r.name === auto.name) ?? (await measureAlternating([auto], ctx))[0];
      const dir = await tempDir("bench-10x-");
      const big = join(dir, "sensor_data_10x.csv.gz");
      progress("  generating 10x data ...");
      const t = performance.now();
      const { rows } = await makeMultipliedData({ data, out: big, times: 10 });
      const generateSeconds = (performance.now() - t) / 1000;
      let ten;
      try {
        [ten] = await measureAlternating([auto], {
          ...ctx,
          data: big,
          expected: { files: expected.files, rows },
          repeat: 1,
          timeoutSeconds: opts.timeoutSeconds * 10,
          label: "auto 10x",
        });
      } finally {
        await removeTemp(dir);
      }
      results.memory = { generateSeconds, runs: [{ ...one, name: "auto 1x" }, ten] };
    }
  } finally {
    await removeTemp(onnxOnlyModels);
  }

  const out = [""];
  if (results.runs.length) {
    const base = BASELINE_RUNS.map((n) => results.runs.find((r) => r.name === n && r.ok)).find(Boolean);
    out.push(`end to end: ${int(expected.files)} models, ${int(expected.rows)} rows (read, load, score, write); median of ${opts.repeat} alternating round(s)`);
    out.push(...formatRunTable(results.runs, base?.name));
    out.push(`base = ${base ? base.name : "(no baseline ran)"}; x/base = this run / base (wall, CPU = user + sys of all threads, peak RSS); speed-up = base wall / wall`);
    const [two, one] = ["auto", "auto-1w"].map((n) => results.runs.find((r) => r.name === n && r.ok));
    if (two && one) out.push(`workers: auto (${env.workers ?? "default"}) vs auto-1w: ${fixed(two.rowsPerSecond / one.rowsPerSecond)}x the rows/s`);
    if (sklearn) {
      const diffs = results.runs.map((r) => `${r.name} ${r.samples.some((x) => x.maxScoreDiff === null) ? "-" : Math.max(...r.samples.map((x) => x.maxScoreDiff)).toExponential(1)}`);
      out.push(`checked against scikit-learn (expected_summary.csv rows and anomalies per model, subset scores within 1e-12); max |score diff|: ${diffs.join(", ")}`);
    }
    for (const s of skipped) out.push(`skipped ${s.name}: ${s.reason}`);
    const withDescendants = results.runs.filter((r) => r.samples.some((s) => s.descendantsMaxRssMB > 0));
    for (const r of withDescendants) out.push(`note: ${r.name} started node child processes (peak RSS sum ${int(median(r.samples.map((s) => s.descendantsMaxRssMB)))} MB, not in the table)`);
    out.push("");
  }
  if (results.parsers) {
    out.push(`CSV parsing micro-benchmark (${int(expected.rows)} rows, ${fixed(results.parsers.bytes / 1e6, 1)} MB unpacked, already in memory)`);
    out.push(...(results.parsers.ok ? formatParseTable(results.parsers) : [`FAILED: ${results.parsers.failure}`]));
    out.push("");
  }
  if (results.memory) {
    out.push(`memory: default engine on 1x vs 10x rows (10x data generated in ${fixed(results.memory.generateSeconds, 1)} s)`);
    out.push(...formatMemoryTable(results.memory.runs));
    out.push("");
  }
  console.log(out.join("\n"));
  return results;
}

async function main() {
  const opts = parseOptions();
  const machine = machineInfo();
  const header = [
    `fleetscore bench  ${machine.date}`,
    `cpu: ${machine.cpu}; cores: ${machine.cores}; node ${machine.node}; memory: ${int(machine.totalMemoryMB)} MB; ${machine.platform}`,
    `load average (1 min) at start: ${fixed(machine.loadAverage1m)}${machine.loadAverage1m > 0.5 ? " (other work is running: figures will be noisy; compare CPU s and ratios)" : ""}`,
  ];
  console.log(header.join("\n"));

  const needsScorer = opts.runs.some((n) => RUNS.find((r) => r.name === n)?.kind === "scorer") || opts.memory;
  let buildSeconds = null;
  let workers = null;
  if (needsScorer) {
    if (!opts.skipBuild) buildSeconds = buildScorer();
    if (!existsSync(opts.scorer)) {
      console.error(`bench: ${opts.scorer} does not exist; build it (npx nx run scorer:build)`);
      process.exit(1);
    }
    if (scorerHasWorkersFlag(opts.scorer)) workers = opts.workers;
  }
  const found = opts.runs.includes("seed") ? findPython() : { python: null, tried: [] };
  console.log(
    `scorer: ${needsScorer ? `${opts.scorer} (${buildSeconds === null ? "not rebuilt" : `built in ${fixed(buildSeconds, 1)} s`}); ` : ""}` +
      `${workers === null ? "no --workers flag" : `passing --workers ${workers}`}; repeat ${opts.repeat} (alternating, median)`,
  );
  if (opts.runs.includes("seed")) {
    console.log(found.python ? `seed baseline: ${found.python} (${found.versions})` : `seed baseline: skipped, ${PYTHON_INSTALL_HINT} (tried ${found.tried.join("; ")})`);
  }

  const results = { machine, options: opts, scorerGit: gitState(opts.scorer), buildSeconds, workers, python: found.python, fixtures: [] };
  for (const fixture of opts.fixtures) results.fixtures.push(await benchFixture(fixture, opts, { workers, python: found.python }));

  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results: ${RESULTS}`);

  const failed = [];
  for (const f of results.fixtures) {
    const name = f.fixture.split("/").pop();
    for (const r of [...(f.runs ?? []), ...(f.memory?.runs ?? [])]) if (!r.ok) failed.push(`${name}:${r.name}`);
    if (f.parsers && !f.parsers.ok) failed.push(`${name}:parsers`);
  }
  if (failed.length) {
    console.log(`FAILED: ${failed.join(", ")}`);
    process.exitCode = 1;
  }
}

await main();
