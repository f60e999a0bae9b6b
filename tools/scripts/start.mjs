#!/usr/bin/env node
// `npm start`: the reference architecture's batch flow on the embedded defaults, on the reference set
// (data/reference): the aggregator replays the readings into 5 s tumbling windows in a SQLite file
// (out/aggregates.db; Stream Analytics -> Azure SQL in the reference), then the scorer scores every model
// on the window means of that range (Azure ML pipeline -> Blob in the reference) into ./out/<run-id>/.
// Extra arguments are passed to `score`, e.g. `npm start -- --engine onnx --run-id demo`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const scorer = join(root, "apps/scorer/dist/main.js");
const aggregator = join(root, "apps/aggregator/dist/main.js");
const database = "sqlite:out/aggregates.db";

const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: "inherit" }).status ?? 1;

// Nx caches the builds, so this is quick when nothing changed.
if (run("npx", ["nx", "run-many", "-t", "build", "-p", "scorer", "aggregator", "--outputStyle=static"]) !== 0 || !existsSync(scorer) || !existsSync(aggregator)) {
  console.error("start: building the scorer and the aggregator failed");
  process.exit(1);
}
mkdirSync(join(root, "out"), { recursive: true });
// Idempotent: a second start continues from the checkpoint in the same database and adds nothing.
const aggregated = run(process.execPath, [aggregator, "run", "--from", "data/reference/sensor_data.csv", "--to", database]);
if (aggregated !== 0) process.exit(aggregated);
process.exit(
  run(process.execPath, [
    scorer,
    "score",
    "--models", "data/reference/models",
    "--data", database,
    // The reference data spans 2018-08-28 23:00 to 2018-08-29 03:12 (UTC).
    "--from", "2018-08-28T00:00:00Z",
    "--to", "2018-08-30T00:00:00Z",
    "--out", "out",
    ...process.argv.slice(2),
  ]),
);
