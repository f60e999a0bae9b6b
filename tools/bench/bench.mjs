#!/usr/bin/env node
// `npm run bench`: end-to-end benchmark of the scorer's `score` command on the synthetic-2k fixture
// (2,000 models, 2,004,024 rows), one run per engine plus a naive baseline, side by side; a CSV-parsing
// micro-benchmark; optionally (--memory) peak RSS on 10x the rows. Results: tools/bench/results/latest.json.
// See tools/bench/README.md for what each run measures and the flags.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { checkOutput, countDataRows } from "./check-output.mjs";
import { fixed, formatMemoryTable, formatParseTable, formatRunTable, int } from "./format-table.mjs";
import { machineInfo } from "./machine-info.mjs";
import { makeMultipliedData } from "./make-10x-data.mjs";
import { runChild, stopChildren } from "./run-child.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "../..");
const DEFAULT_SCORER = join(ROOT, "apps/scorer/dist/main.js");
const BASELINE = join(HERE, "naive-baseline.mjs");
const PARSE_BENCH = join(HERE, "parse-bench.mjs");
const DEFAULT_FIXTURE = join(ROOT, "../shared/fixtures/synthetic-2k");
const RESULTS = join(HERE, "results/latest.json");
const RUN_ID = "bench";
const BASELINE_RUN = "baseline";

/**
 * @typedef {object} RunDef
 * @property {string} name
 * @property {string} description
 * @property {"scorer" | "baseline"} kind
 * @property {"auto" | "ts" | "onnx"} [engine]
 * @property {boolean} [onnxOnly] point --models at a folder holding only the .onnx files
 */

/** @type {RunDef[]} */
const RUNS = [
  { name: "auto", kind: "scorer", engine: "auto", description: "scorer --engine auto (ts engine, float64 .json params)" },
  { name: "ts-onnx", kind: "scorer", engine: "ts", onnxOnly: true, description: "scorer --engine ts on the .onnx only (float32)" },
  { name: "onnx", kind: "scorer", engine: "onnx", description: "scorer --engine onnx (onnxruntime-node)" },
  { name: BASELINE_RUN, kind: "baseline", description: "naive-baseline.mjs: whole CSV in memory, 1 ORT session per model, sequential" },
];

const USAGE = `usage: npm run bench -- [--repeat N] [--memory] [--no-parsers] [--runs auto,ts-onnx,onnx,baseline]
                        [--workers N] [--skip-build] [--scorer PATH/main.js] [--timeout SECONDS] [--fixture DIR]`;

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
      repeat: { type: "string", default: "1" },
      memory: { type: "boolean", default: false },
      parsers: { type: "boolean", default: true },
      "no-parsers": { type: "boolean", default: false },
      runs: { type: "string", default: RUNS.map((r) => r.name).join(",") },
      workers: { type: "string" },
      "skip-build": { type: "boolean", default: false },
      scorer: { type: "string" },
      timeout: { type: "string", default: "600" },
      fixture: { type: "string", default: DEFAULT_FIXTURE },
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
    parsers: values.parsers && !values["no-parsers"],
    runs,
    workers,
    // Another build of the scorer (e.g. a snapshot of another commit) is used as it is.
    skipBuild: values["skip-build"] || values.scorer !== undefined,
    scorer: values.scorer === undefined ? DEFAULT_SCORER : resolve(values.scorer),
    timeoutSeconds,
    fixture: resolve(values.fixture),
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
 * Runs one configuration `repeat` times, each on a fresh output folder (deleted afterwards), checks the
 * outputs and keeps the medians.
 * @param {RunDef} def
 * @param {{ scorer: string, data: string, models: string, onnxOnlyModels: string, expected: { files: number, rows: number },
 *   repeat: number, workersArgs: string[], timeoutSeconds: number, label?: string }} ctx
 */
async function measureRun(def, ctx) {
  const samples = [];
  for (let i = 0; i < ctx.repeat; i++) {
    const out = await tempDir(`bench-${def.name}-`);
    try {
      const models = def.onnxOnly ? ctx.onnxOnlyModels : ctx.models;
      const [script, args, outputDir] =
        def.kind === "baseline"
          ? [BASELINE, ["--models", models, "--data", ctx.data, "--out", out], out]
          : [
              ctx.scorer,
              ["score", "--models", models, "--data", ctx.data, "--out", out, "--run-id", RUN_ID, "--engine", def.engine ?? "auto", ...ctx.workersArgs],
              join(out, RUN_ID),
            ];
      const label = ctx.label ?? def.name;
      progress(`  ${label} ${i + 1}/${ctx.repeat} ...`);
      const r = await runChild(script, args, {
        cwd: ROOT,
        env: { ...process.env, FLEETSCORE_LOG_LEVEL: "warning" },
        timeoutMs: ctx.timeoutSeconds * 1000,
      });
      /** @type {{ ok: boolean, files: number, rows: number, failure?: string }} */
      let check = { ok: false, files: 0, rows: 0 };
      if (r.timedOut) check.failure = `timed out after ${ctx.timeoutSeconds} s`;
      else if (r.code !== 0) check.failure = r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
      else check = await checkOutput(outputDir, ctx.expected);
      progress(`  ${label} ${i + 1}/${ctx.repeat}: ${fixed(r.wallSeconds)} s, ${int(r.maxRssMB ?? NaN)} MB${check.ok ? "" : `, FAILED: ${check.failure}`}`);
      if (!check.ok && r.stderrTail) progress(r.stderrTail.trim().split("\n").slice(-5).map((l) => `    | ${l.slice(0, 300)}`).join("\n"));
      samples.push({
        ok: check.ok,
        failure: check.failure,
        exitCode: r.code,
        signal: r.signal,
        wallSeconds: r.wallSeconds,
        cpuSeconds: r.cpuSeconds,
        maxRssMB: r.maxRssMB,
        descendantsMaxRssMB: r.descendantsMaxRssMB,
        outputFiles: check.files,
        outputRows: check.rows,
        stdout: r.stdout.trim(),
        stderrTail: check.ok ? undefined : r.stderrTail,
      });
    } finally {
      await removeTemp(out);
    }
  }
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

/** Runs parse-bench.mjs in a fresh process (its own heap). */
async function runParsers(data, repeat) {
  progress("  parsers ...");
  const r = await runChild(PARSE_BENCH, ["--json", "--data", data, "--repeat", String(repeat)], { nodeArgs: ["--expose-gc"], cwd: ROOT });
  if (r.code !== 0) return { ok: false, failure: `exit ${r.code}: ${r.stderrTail.trim().split("\n").slice(-3).join(" | ")}` };
  return { ok: true, ...JSON.parse(r.stdout) };
}

async function main() {
  const opts = parseOptions();
  const machine = machineInfo();
  const header = [
    `fleetscore bench  ${machine.date}`,
    `cpu: ${machine.cpu}; cores: ${machine.cores}; node ${machine.node}; memory: ${int(machine.totalMemoryMB)} MB; ${machine.platform}`,
    `load average (1 min) at start: ${fixed(machine.loadAverage1m)}${machine.loadAverage1m > 0.5 ? " (other work is running: figures will be noisy)" : ""}`,
  ];
  console.log(header.join("\n"));

  const models = join(opts.fixture, "models");
  const data = ["sensor_data.csv.gz", "sensor_data.csv"].map((f) => join(opts.fixture, f)).find((f) => existsSync(f));
  if (!data) {
    console.error(`bench: no sensor_data.csv.gz or sensor_data.csv in ${opts.fixture}`);
    process.exit(2);
  }
  const onnxFiles = readdirSync(models).filter((f) => /^model_[^_]+_[^_]+\.onnx$/.test(f));
  const gz = readFileSync(data);
  const expected = { files: onnxFiles.length, rows: countDataRows(gz[0] === 0x1f ? gunzipSync(gz) : gz) };
  console.log(`data: ${data} (${int(expected.files)} models, ${int(expected.rows)} rows)`);

  const needsScorer = opts.runs.some((n) => RUNS.find((r) => r.name === n)?.kind === "scorer") || opts.memory;
  let buildSeconds = null;
  let workersArgs = [];
  if (needsScorer) {
    if (!opts.skipBuild) buildSeconds = buildScorer();
    if (!existsSync(opts.scorer)) {
      console.error(`bench: ${opts.scorer} does not exist; build it (npx nx run scorer:build)`);
      process.exit(1);
    }
    if (scorerHasWorkersFlag(opts.scorer)) workersArgs = ["--workers", String(opts.workers)];
  }
  console.log(
    `scorer: ${needsScorer ? `${opts.scorer} (${buildSeconds === null ? "not rebuilt" : `built in ${fixed(buildSeconds, 1)} s`}); ` : ""}` +
      `${workersArgs.length ? `passing --workers ${opts.workers}` : "no --workers flag"}; repeat ${opts.repeat} (median)`,
  );

  const onnxOnlyModels = await tempDir("bench-onnx-only-");
  for (const f of onnxFiles) symlinkSync(join(models, f), join(onnxOnlyModels, f));

  const results = { machine, options: opts, dataset: { data, models, ...expected }, scorerGit: gitState(opts.scorer), buildSeconds, workersArgs, runs: [], parsers: null, memory: null };
  const ctx = { scorer: opts.scorer, data, models, onnxOnlyModels, expected, repeat: opts.repeat, workersArgs, timeoutSeconds: opts.timeoutSeconds };
  try {
    for (const def of RUNS.filter((r) => opts.runs.includes(r.name))) results.runs.push(await measureRun(def, ctx));
    if (opts.parsers) results.parsers = await runParsers(data, opts.repeat);
    if (opts.memory) {
      const auto = RUNS[0];
      const one = results.runs.find((r) => r.name === auto.name) ?? (await measureRun(auto, ctx));
      const dir = await tempDir("bench-10x-");
      const big = join(dir, "sensor_data_10x.csv.gz");
      progress("  generating 10x data ...");
      const t = performance.now();
      const { rows } = await makeMultipliedData({ data, out: big, times: 10 });
      const generateSeconds = (performance.now() - t) / 1000;
      let ten;
      try {
        ten = await measureRun(auto, {
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
    out.push(`end to end: score ${int(expected.files)} models on ${int(expected.rows)} rows (read, load, score, write)`);
    out.push(...formatRunTable(results.runs, BASELINE_RUN));
    out.push("wall/base, RSS/base = this run / baseline (below 1.00x: faster / less memory); rows/s = data rows / wall s");
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

  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results: ${RESULTS}`);

  const failed = [...results.runs, ...(results.memory?.runs ?? [])].filter((r) => !r.ok).map((r) => r.name);
  if (results.parsers && !results.parsers.ok) failed.push("parsers");
  if (failed.length) {
    console.log(`FAILED: ${failed.join(", ")}`);
    process.exitCode = 1;
  }
}

await main();
