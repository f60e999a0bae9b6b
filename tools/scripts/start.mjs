#!/usr/bin/env node
// `npm start [-- --out <dir>]`: the reference architecture's whole flow on the embedded defaults, no cloud.
// 1. simulate: the simulator sends one hour of readings for the reference fleet (3 devices x 5 sensors, each
//    profile fitted to data/reference/sensor_data.csv) with injected anomalies (labels CSV) and a few late,
//    duplicate and malformed events into the local event log (<out>/events.db), in simulated time.
// 2. aggregate: the aggregator reads the log from its checkpoint into 5 s windows in SQLite (<out>/aggregates.db).
// 3. score: the scheduler runs the `reference` pipeline of apps/scheduler/examples/reference.example.yaml
//    (2 shards of the scorer CLI) for that hour via `run-once` (scheduled at the hour's end).
// 4. the summary, with precision and recall of the predictions against the injected anomalies.
// A further `npm start` simulates the hour after the last one in the log; the aggregator's checkpoint and the
// scheduled run ids keep anything from being added or written twice.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const main = (app) => join(root, `apps/${app}/dist/main.js`);
const fail = (message, code = 1) => {
  console.error(`start: ${message}`);
  process.exit(code);
};

let flags;
try {
  flags = parseArgs({ options: { out: { type: "string" }, "skip-build": { type: "boolean" }, help: { type: "boolean", short: "h" } } }).values;
} catch (e) {
  fail(`${e.message}\nusage: npm start [-- --out <dir>] [--skip-build]`, 2);
}
if (flags.help) {
  console.log("usage: npm start [-- --out <dir>] [--skip-build]\n  --out: where the event log, aggregates, runs and run store go (default out/)\n  --skip-build: use the built apps as they are (a caller that built them)");
  process.exit(0);
}
const outDir = resolve(flags.out ?? join(root, "out"));
// Paths as printed and as passed to the CLIs (they run from the repository root, as the example config expects).
const shown = (p) => (relative(root, p).startsWith("..") || isAbsolute(relative(root, p)) ? p : relative(root, p));
const out = (...parts) => shown(join(outDir, ...parts));

const profileFrom = "data/reference/sensor_data.csv";
const eventLog = out("events.db");
const database = `sqlite:${out("aggregates.db")}`;
const exampleConfig = "apps/scheduler/examples/reference.example.yaml";
const HOUR_MS = 3_600_000;
// The reference recording ends 2018-08-29 03:12:30 UTC; the simulated fleet carries on from the next hour.
const FIRST_HOUR_MS = Date.parse("2018-08-29T04:00:00Z");
// Simulated time: each batch arrives at its simulated send time, so only the faults injected as late are late.
// A late event arrives LATE_BY after its event time (beyond the aggregator's 5 s late-arrival tolerance).
const LATE_BY_MS = 60_000;
const faults = ["--anomaly-rate", "0.01", "--late-rate", "0.001", "--late-by", `${LATE_BY_MS / 1000}s`, "--duplicate-rate", "0.001", "--malformed-rate", "0.0005"];

const run = (cmd, args, echo = true) => {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  if (echo) process.stdout.write(r.stdout ?? "");
  return { code: r.status ?? 1, stdout: r.stdout ?? "", seconds: Number(process.hrtime.bigint() - started) / 1e9 };
};
const runId = (ms) => `reference-${new Date(ms).toISOString().replace(/[-:]/g, "").replace(/00\.000Z$/, "Z")}`;

/** The example config as is for out/; for another out dir, a copy whose run store, logs, data and output are in it. */
async function schedulerConfig() {
  if (outDir === join(root, "out")) return exampleConfig;
  const { parseDocument } = await import("yaml");
  const doc = parseDocument(readFileSync(join(root, exampleConfig), "utf8"));
  doc.set("runStore", `sqlite:${out("scheduler", "runs.db")}`);
  doc.set("logDir", out("scheduler", "logs"));
  const index = doc.toJS().pipelines.findIndex((p) => p.name === "reference");
  doc.setIn(["pipelines", index, "data", "source"], database);
  doc.setIn(["pipelines", index, "output"], out("runs"));
  writeFileSync(join(outDir, "reference.yaml"), `# written by npm start from ${exampleConfig} for --out ${shown(outDir)}\n${doc}`);
  return out("reference.yaml");
}

/** The start of the last hour in the event log: its latest arrival is at most LATE_BY (well under 30 min) after it ended. */
async function lastSimulatedHour() {
  if (!existsSync(join(outDir, "events.db"))) return undefined;
  const { LocalEventLog } = await import("@fleetscore/event-transport");
  const log = await LocalEventLog.open(join(outDir, "events.db"));
  try {
    const last = Math.max(...(await log.getProperties()).partitions.map((p) => p.lastEnqueuedTimeMs ?? -Infinity));
    return Number.isFinite(last) ? Math.floor((last - HOUR_MS / 2) / HOUR_MS) * HOUR_MS : undefined;
  } finally {
    await log.close();
  }
}

/**
 * Precision and recall of the run's predictions against the injected anomalies (the labels of kind `anomaly`:
 * late, duplicate and malformed events are faults of delivery, not of the value), matched to the scored
 * windows as the monitor's report does (libs/log-monitor's evaluateLabels).
 */
async function precisionRecall(runDir, labelsFile) {
  const { evaluateLabels, parsePredictionFile, readLabelsCsv } = await import("@fleetscore/log-monitor");
  const manifest = JSON.parse(readFileSync(join(runDir, "_manifest.json"), "utf8"));
  const series = new Map();
  for (const m of manifest.models.filter((m) => m.status === "scored")) {
    const file = join(runDir, m.output);
    series.set(`${m.deviceId}_${m.sensorId}`, parsePredictionFile(readFileSync(file), file));
  }
  const { labels } = await readLabelsCsv(labelsFile);
  return evaluateLabels(series, labels.filter((l) => l.kind === "anomaly"));
}

/** Newest modification time of the files under dir that go into a build (0 when it does not exist). */
const newest = (dir) =>
  existsSync(dir)
    ? Math.max(0, ...readdirSync(dir, { recursive: true }).filter((f) => !/\.test\.ts$|test-fixtures/.test(f)).map((f) => statSync(join(dir, f)).mtimeMs))
    : 0;
/** Every built project's dist is newer than its src, and what start runs is built: nx has nothing to do. */
function builtAndUpToDate(outputs) {
  if (!outputs.every((f) => existsSync(join(root, f)))) return false;
  const projects = ["apps", "libs"].flatMap((d) => readdirSync(join(root, d)).map((p) => join(root, d, p)));
  return projects.every((p) => !existsSync(join(p, "dist")) || newest(join(p, "src")) <= newest(join(p, "dist")));
}

// Nx caches the builds, but on a busy machine even a fully cached `nx run-many` takes tens of seconds, so it
// is skipped when every dist is newer than its sources. log-monitor is built for the precision/recall.
const apps = ["simulator", "aggregator", "scorer", "scheduler"];
const outputs = [...apps.map((a) => `apps/${a}/dist/main.js`), "libs/log-monitor/dist/index.js"];
const build = flags["skip-build"] || builtAndUpToDate(outputs)
  ? { code: 0, stdout: "", seconds: 0, skipped: true }
  : run("npx", ["nx", "run-many", "-t", "build", "-p", ...apps, "log-monitor", "--outputStyle=static"]);
if (build.code !== 0 || !outputs.every((f) => existsSync(join(root, f)))) fail(`building the ${apps.join(", ")} and log-monitor failed`);
mkdirSync(join(outDir, "labels"), { recursive: true });
const config = await schedulerConfig();

const listed = run(process.execPath, [main("scheduler"), "runs", "--config", config, "--last", "100000"], false);
if (listed.code !== 0) fail("reading the run store failed", listed.code);
const finished = new Set([...listed.stdout.matchAll(/^(reference-\S+)\s+(succeeded|partial|failed)\b/gm)].map((m) => m[1]));
const last = await lastSimulatedHour();
// An hour in the log whose run has not finished (a start that failed after simulating) is scored, not simulated again.
const resuming = last !== undefined && !finished.has(runId(last + HOUR_MS));
const hour = resuming ? last : last === undefined ? FIRST_HOUR_MS : last + HOUR_MS;
const id = runId(hour + HOUR_MS);
const labelsFile = out("labels", `${id}.csv`);
const seed = String(1 + (hour - FIRST_HOUR_MS) / HOUR_MS);

let simulated = { code: 0, stdout: "", seconds: 0 };
if (!resuming) {
  const args = ["run", "--to", `eventlog:${eventLog}`, "--profile-from", profileFrom, "--start", new Date(hour).toISOString(), "--duration", "1h", "--seed", seed, ...faults, "--labels", labelsFile];
  simulated = run(process.execPath, [main("simulator"), ...args]);
  if (simulated.code !== 0) fail(`simulating ${new Date(hour).toISOString()} failed; see above (rerun the simulator with its --skip to finish it, then npm start scores it)`, simulated.code);
}
// --close-windows: the hour is complete in the log, its last windows must reach SQL before it is scored.
// --out-of-order 5s: readings of one batch are read partition by partition, up to the batch span (1 s) plus
// the jitter (1 s) and the injected out-of-order (3 s) behind each other; Stream Analytics' 0 s would re-time them.
const aggregated = run(process.execPath, [main("aggregator"), "run", "--from", `eventlog:${eventLog}`, "--to", database, "--close-windows", "--out-of-order", "5s"]);
if (aggregated.code !== 0) fail("aggregating failed", aggregated.code);
const scored = run(process.execPath, [main("scheduler"), "run-once", "--config", config, "--pipeline", "reference", "--at", new Date(hour + HOUR_MS).toISOString()]);
const totals = /models: (\d+) scored, (\d+) failed of (\d+); rows (\d+); anomalies (\d+)/.exec(scored.stdout);
const output = /^output: (.*)$/m.exec(scored.stdout)?.[1];
const started = process.hrtime.bigint();
const quality = output && existsSync(join(resolve(root, output), "_manifest.json")) ? await precisionRecall(resolve(root, output), resolve(root, labelsFile)) : undefined;
const evaluateSeconds = Number(process.hrtime.bigint() - started) / 1e9;

const sent = /sent (\d+)/.exec(simulated.stdout)?.[1];
const faultLine = /faults injected: ([^;\n]*)/.exec(simulated.stdout)?.[1];
const read = /readings (\d+)/.exec(aggregated.stdout)?.[1] ?? "?";
const windows = /windows written (\d+)/.exec(aggregated.stdout)?.[1] ?? "?";
const since = /since the first run: (.*)$/m.exec(aggregated.stdout)?.[1];
const ratio = (x) => (x === undefined ? "n/a" : x.toFixed(3));
const span = `${new Date(hour).toISOString()} to ${new Date(hour + HOUR_MS).toISOString()}`;
console.log(
  [
    "",
    `summary of ${id} (simulated hour ${span}, seed ${seed}${resuming ? ", simulated by an earlier start" : ""}):`,
    `  readings ${resuming ? "0 sent (already in the log)" : `${sent ?? "?"} sent (faults: ${faultLine ?? "?"})`}; ${read} read from ${eventLog}, ${windows} windows written to ${database}`,
    `  aggregator since the first start: ${since ?? "?"}`,
    `  models ${totals ? `${totals[1]} scored, ${totals[2]} failed of ${totals[3]}` : "?"}; rows ${totals?.[4] ?? "?"}; anomalies ${totals?.[5] ?? "?"}`,
    quality
      ? `  precision ${ratio(quality.precision)}, recall ${ratio(quality.recall)} against ${quality.labels} injected anomalies (${quality.truePositives} true positives, ${quality.falsePositives} false, ${quality.falseNegatives} missed; ${quality.unmatched} on no scored window)`
      : "  precision/recall: n/a (the run wrote no manifest)",
    `  seconds: build ${build.skipped ? `skipped (${flags["skip-build"] ? "--skip-build" : "up to date"})` : build.seconds.toFixed(2)}, simulate ${simulated.seconds.toFixed(2)}, aggregate ${aggregated.seconds.toFixed(2)}, score (2 shards) ${scored.seconds.toFixed(2)}, evaluate ${evaluateSeconds.toFixed(2)}`,
    `  outputs: ${output ?? "?"}/ (predictions, _manifest.json), labels ${labelsFile}, event log ${eventLog}, shard logs and run store in ${out("scheduler")}/`,
    `  next: npm start${flags.out ? ` -- --out ${flags.out}` : ""} simulates and scores the next hour; node apps/scheduler/dist/main.js show --config ${config} ${id}`,
  ].join("\n"),
);
process.exit(scored.code);
