#!/usr/bin/env node
// `npm start`: the reference architecture's batch flow on the embedded defaults, on the reference set
// (data/reference). Stage 1 (Stream Analytics -> Azure SQL in the reference): the aggregator replays the
// readings into 5 s tumbling windows in a SQLite file (out/aggregates.db). Stage 2 (the scheduled Azure ML
// pipeline -> Blob): the scheduler runs the `reference` pipeline of apps/scheduler/examples/reference.example.yaml
// (2 shards of the scorer CLI) for the next hour of the data not yet scored, via `run-once`.
// Each further `npm start` scores the next hour; the aggregator's checkpoint and the scheduled run ids keep
// anything from being added or written twice. Until the simulator (#12) lands, the readings are the
// reference CSV replayed, so there are no injected-anomaly labels yet (see precisionRecall below).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const main = (app) => join(root, `apps/${app}/dist/main.js`);
const config = "apps/scheduler/examples/reference.example.yaml";
const readings = "data/reference/sensor_data.csv";
const database = "sqlite:out/aggregates.db";
// The reference readings span 2018-08-28 23:00:05 to 2018-08-29 03:12:30 (UTC): five hourly windows.
const HOURS = ["2018-08-29T00:00:00Z", "2018-08-29T01:00:00Z", "2018-08-29T02:00:00Z", "2018-08-29T03:00:00Z", "2018-08-29T04:00:00Z"];

const run = (cmd, args, capture = false) => {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit", encoding: "utf8" });
  return { code: r.status ?? 1, stdout: r.stdout ?? "", seconds: Number(process.hrtime.bigint() - started) / 1e9 };
};
const fail = (message, code = 1) => {
  console.error(`start: ${message}`);
  process.exit(code);
};

/**
 * Precision and recall of the predictions against injected-anomaly labels. The replayed reference CSV has
 * no labels, so there is nothing to compare yet; the simulator's labelled hour (#12) plugs in here.
 * @returns {{ precision: number, recall: number } | undefined}
 */
function precisionRecall(_runOutput) {
  return undefined;
}

// Nx caches the builds, so this is quick when nothing changed.
const build = run("npx", ["nx", "run-many", "-t", "build", "-p", "scorer", "aggregator", "scheduler", "--outputStyle=static"]);
if (build.code !== 0 || !["scorer", "aggregator", "scheduler"].every((a) => existsSync(main(a)))) fail("building the scorer, the aggregator and the scheduler failed");
mkdirSync(join(root, "out"), { recursive: true });
// A second start continues from the checkpoint in the same database and adds nothing.
const aggregated = run(process.execPath, [main("aggregator"), "run", "--from", readings, "--to", database], true);
process.stdout.write(aggregated.stdout);
if (aggregated.code !== 0) fail("aggregating failed", aggregated.code);
const added = /readings (\d+)/.exec(aggregated.stdout)?.[1] ?? "?";
const counts = /accepted (\d+).*windows (\d+)/.exec(aggregated.stdout);

const listed = run(process.execPath, [main("scheduler"), "runs", "--config", config, "--last", "1000"], true);
if (listed.code !== 0) fail("reading the run store failed", listed.code);
const finished = new Set([...listed.stdout.matchAll(/^(reference-\S+)\s+(succeeded|partial|failed)\b/gm)].map((m) => m[1]));
const runId = (iso) => `reference-${iso.replace(/[-:]/g, "").replace(/00Z$/, "Z").replace(/00\.000Z$/, "Z")}`;
const next = HOURS.find((h) => !finished.has(runId(h)));
if (!next) {
  console.log(`every hour of ${readings} is scored (${HOURS.length} runs); nothing new. List them: node apps/scheduler/dist/main.js runs --config ${config}`);
  process.exit(0);
}
const scored = run(process.execPath, [main("scheduler"), "run-once", "--config", config, "--pipeline", "reference", "--at", next], true);
process.stdout.write(scored.stdout);
const totals = /models: (\d+) scored, (\d+) failed of (\d+); rows (\d+); anomalies (\d+)/.exec(scored.stdout);
const output = /^output: (.*)$/m.exec(scored.stdout)?.[1];
const quality = output && precisionRecall(join(root, output));

console.log(
  [
    "",
    `summary of ${runId(next)} (hour ending ${next}, ${HOURS.indexOf(next) + 1} of ${HOURS.length} in the reference data):`,
    `  readings ${added} read by this start (${counts?.[1] ?? "?"} accepted since the first, replayed from ${readings}); windows ${counts?.[2] ?? "?"} in ${database}`,
    `  models ${totals ? `${totals[1]} scored, ${totals[2]} failed of ${totals[3]}` : "?"}; rows ${totals?.[4] ?? "?"}; anomalies ${totals?.[5] ?? "?"}`,
    `  precision/recall: ${quality ? `${quality.precision.toFixed(3)} / ${quality.recall.toFixed(3)}` : "n/a (the replayed reference data has no injected-anomaly labels)"}`,
    `  seconds: aggregate ${aggregated.seconds.toFixed(2)}, score (2 shards) ${scored.seconds.toFixed(2)}`,
    `  outputs: ${output ?? "?"}/ (predictions, _manifest.json), shard logs in out/scheduler/logs/${runId(next)}/, run store out/scheduler/runs.db`,
    `  next: npm start scores the next hour; node apps/scheduler/dist/main.js show --config ${config} ${runId(next)}`,
  ].join("\n"),
);
process.exit(scored.code);
