#!/usr/bin/env node
// `npm run bench:train`: `models train` (libs/svm-training) against scikit-learn 1.2 itself, side by side:
// 2,000 models of 500 generated points each (normal, uniform, bimodal and skewed sensors, the synthetic sets'
// families), trained by the scorer (one row per --workers value) and by scikit-learn in one Python process.
// Checks that every model is the same (support vectors, dual coefficients, rho) and prints the figures.
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BENCH_DIR, builtMain } from "./bench-paths.mjs";
import { fixed, int, ratio, table } from "./format-table.mjs";
import { machineInfo } from "./machine-info.mjs";
import { runChild } from "./run-child.mjs";

const SCORER = builtMain("apps/scorer");
const PYTHON = process.env.FLEETSCORE_SKLEARN_PYTHON ?? "/usr/bin/python3";

const { values: flags } = parseArgs({
  options: {
    models: { type: "string", default: "2000" },
    points: { type: "string", default: "500" },
    workers: { type: "string", default: "1,2" },
    nu: { type: "string", default: "0.05" },
    kernel: { type: "string", default: "rbf" },
    gamma: { type: "string", default: "scale" },
  },
});
const nModels = Number(flags.models);
const nPoints = Number(flags.points);

/**
 * A seeded xorshift32 in [0, 1): the same data on every run. (The bench, an Nx tool project, may not import
 * test-support's seededRandom: tools have no scope in the module boundaries.)
 */
function seededRandom(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** One sensor's readings: its family by model index, its level and spread from the seed. */
function sensorValues(random, family, n) {
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const level = 10 + random() * 90;
  const spread = 0.5 + random() * 5;
  return Array.from({ length: n }, () => {
    switch (family) {
      case 0: return level + spread * normal();
      case 1: return level + spread * (random() * 2 - 1);
      case 2: return level + spread * (random() < 0.5 ? -2 : 2) + 0.5 * spread * normal();
      default: return level + spread * Math.exp(0.6 * normal());
    }
  });
}

async function writeData(path) {
  const random = seededRandom(2026);
  const lines = ["TS,Device,Sensor,Value"];
  const sensorsPerDevice = 10;
  const series = Array.from({ length: nModels }, (_, m) => sensorValues(random, m % 4, nPoints));
  const start = Date.UTC(2018, 7, 28);
  for (let t = 0; t < nPoints; t++) {
    const ts = new Date(start + t * 5000).toISOString().replace("T", " ").replace("Z", "");
    for (let m = 0; m < nModels; m++) lines.push(`${ts},${Math.floor(m / sensorsPerDevice) + 1},${(m % sensorsPerDevice) + 1},${series[m][t]}`);
  }
  await writeFile(path, `${lines.join("\n")}\n`);
}

async function compare(sklearnJsonl, modelsDir) {
  let same = 0;
  let worst = 0;
  const differing = [];
  for (const line of (await readFile(sklearnJsonl, "utf8")).trim().split("\n")) {
    const expected = JSON.parse(line);
    const params = JSON.parse(await readFile(join(modelsDir, `model_${expected.device}_${expected.sensor}.json`), "utf8"));
    const rel = (a, b) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));
    const sameSupport = JSON.stringify(params.svm.supportVectors) === JSON.stringify(expected.supportVectors);
    const diff = sameSupport ? Math.max(rel(params.svm.rho, expected.rho), ...params.svm.dualCoef.map((a, k) => rel(a, expected.dualCoef[k]))) : Infinity;
    worst = Math.max(worst, diff);
    if (diff === 0) same++;
    else differing.push(`${expected.device}_${expected.sensor}`);
  }
  return { same, worst, differing };
}

const dir = await mkdtemp(join(os.tmpdir(), "fleetscore-train-bench-"));
try {
  const info = machineInfo();
  console.log(`train bench: ${nModels} models x ${nPoints} points, OneClassSVM(kernel=${flags.kernel}, nu=${flags.nu}, gamma=${flags.gamma})`);
  console.log(JSON.stringify(info));
  const data = join(dir, "readings.csv");
  await writeData(data);
  const rows = [];
  const py = spawnSync(PYTHON, [join(BENCH_DIR, "sklearn-train-baseline.py"), data, join(dir, "sklearn.jsonl"), flags.nu, flags.kernel, flags.gamma], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (py.status !== 0) throw new Error(`scikit-learn baseline failed: ${py.stderr}`);
  const sk = JSON.parse(py.stdout.trim().split("\n").at(-1));
  rows.push({ run: `scikit-learn ${sk.sklearn} (1 process)`, wall: sk.totalSeconds, fit: sk.fitSeconds, cpu: sk.cpuSeconds, rss: NaN, same: "-" });
  for (const workers of flags.workers.split(",").map(Number)) {
    const out = join(dir, `models-${workers}`);
    const r = await runChild(SCORER, ["models", "train", "--data", data, "--out", out, "--nu", flags.nu, "--kernel", flags.kernel, "--gamma", flags.gamma, "--workers", String(workers)], { env: { ...process.env, FLEETSCORE_LOG_LEVEL: "warning" } });
    if (r.code !== 0) throw new Error(`models train --workers ${workers} exited ${r.code}: ${r.stderrTail}`);
    const c = await compare(join(dir, "sklearn.jsonl"), out);
    rows.push({ run: `models train --workers ${workers}`, wall: r.wallSeconds, fit: NaN, cpu: r.cpuSeconds, rss: r.maxRssMB + r.descendantsMaxRssMB, same: `${c.same}/${nModels}${c.differing.length ? ` (worst ${c.worst.toExponential(1)}: ${c.differing.slice(0, 5).join(", ")})` : ""}` });
  }
  console.log(
    table(
      ["run", "wall s", "fit s", "models/s", "vs scikit-learn", "CPU s", "peak RSS MB", "bit-identical models"],
      rows.map((r) => [r.run, fixed(r.wall), fixed(r.fit), int(nModels / r.wall), ratio(sk.totalSeconds, r.wall), fixed(r.cpu), int(r.rss), r.same]),
      [0, 7],
    ).join("\n"),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
