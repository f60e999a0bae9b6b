#!/usr/bin/env node
// Throughput of the windowing engine alone (no CSV parsing, no SQL): readings/s through
// TumblingWindowAggregator.addReading + takeEmitted + flush, on
//   - synthetic-2k: the 2,004,024 readings of ../shared/fixtures/synthetic-2k/sensor_data.csv.gz
//     (2,000 device x sensor keys, a reading every ~5.4 s each for 3 h, sorted by ts), and
//   - reference: the 17,768 readings of data/reference/sensor_data.csv,
// with arrival = event time (a replay). The files are parsed into columns before timing.
// It times the built engine (libs/stream-windowing/dist): `npx nx run stream-windowing:build` first.
//
//   npx nx run stream-windowing:build && node libs/stream-windowing/bench/windowing-bench.mjs [--repeat 5] [--fixture DIR]
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "../../..");
const { values: args } = parseArgs({
  options: {
    repeat: { type: "string", default: "5" },
    fixture: { type: "string", default: join(ROOT, "../shared/fixtures/synthetic-2k") },
  },
});

async function loadEngine() {
  const dist = join(HERE, "../dist/index.js");
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run \`npx nx run stream-windowing:build\` first`);
  return (await import(pathToFileURL(dist).href)).TumblingWindowAggregator;
}

/** `TS,Device,Sensor,Value` -> columns; TS `YYYY-MM-DD HH:MM:SS.fff` UTC. */
function parseCsv(text) {
  const lines = text.split("\n");
  const device = [];
  const sensor = [];
  const ts = [];
  const value = [];
  let lastTsText = "";
  let lastTs = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.length === 0) continue;
    const [t, d, s, v] = line.split(",");
    if (t !== lastTsText) {
      lastTsText = t;
      lastTs = Date.parse(`${t.replace(" ", "T")}Z`);
    }
    device.push(d);
    sensor.push(s);
    ts.push(lastTs);
    value.push(Number(v));
  }
  return { device, sensor, ts: Float64Array.from(ts), value: Float64Array.from(value), n: device.length };
}

function run(Engine, data) {
  const engine = new Engine();
  const { device, sensor, ts, value, n } = data;
  let windows = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t = ts[i];
    engine.addReading(device[i], sensor[i], t, t, value[i]);
    // The aggregator takes the closed windows every few thousand readings, to write them.
    if ((i & 4095) === 4095) windows += engine.takeEmitted().length;
  }
  windows += engine.flush().length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, windows, metrics: engine.metrics };
}

const Engine = await loadEngine();
const sets = [
  ["synthetic-2k", parseCsv(gunzipSync(readFileSync(join(args.fixture, "sensor_data.csv.gz"))).toString("utf8"))],
  ["reference", parseCsv(readFileSync(join(ROOT, "data/reference/sensor_data.csv"), "utf8"))],
];
const repeat = Number(args.repeat);
console.log(`node ${process.version}, ${repeat} runs per data set (the first warms up the JIT)`);
for (const [name, data] of sets) {
  const rates = [];
  let last;
  for (let r = 0; r < repeat; r++) {
    last = run(Engine, data);
    rates.push(data.n / last.seconds);
  }
  const sorted = [...rates].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(
    `${name}: ${data.n.toLocaleString("en-US")} readings -> ${last.windows.toLocaleString("en-US")} windows; ` +
      `median ${Math.round(median).toLocaleString("en-US")} readings/s (best ${Math.round(sorted.at(-1)).toLocaleString("en-US")}; ` +
      `all ${rates.map((x) => Math.round(x / 1000) + "k").join(" ")}); metrics ${JSON.stringify(last.metrics)}`,
  );
}
