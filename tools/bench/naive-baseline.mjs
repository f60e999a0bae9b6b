#!/usr/bin/env node
// The naive baseline: what a straightforward Node port of the reference architecture's Python scoring
// script would do. One process, sequential: read the whole CSV into memory (gunzip with zlib, split
// lines), group rows by (Device, Sensor), then for each model in turn create an onnxruntime-node
// InferenceSession, run all its rows as one float32 tensor [n, 1], write preds_<D>_<S>.csv, release the
// session; finally write _manifest.json with per-model rows and anomalies.
//
//   node tools/bench/naive-baseline.mjs --models <dir> --data <file.csv[.gz]> --out <dir>
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs, promisify } from "node:util";
import { gunzip } from "node:zlib";
import ort from "onnxruntime-node";

const MODEL_FILE = /^model_([^_]+)_([^_]+)\.onnx$/;

/**
 * Reads the data file whole and groups its rows by `Device_Sensor`, keeping TS and Value as text.
 * @param {string} path
 * @returns {Promise<{ rows: number, groups: Map<string, { ts: string[], value: string[] }> }>}
 */
async function readGroups(path) {
  let buf = await readFile(path);
  if (buf[0] === 0x1f && buf[1] === 0x8b) buf = await promisify(gunzip)(buf);
  const lines = buf.toString("utf8").split("\n");
  const header = lines[0].trim().split(",");
  const col = (name) => header.indexOf(name);
  const [iTs, iDev, iSen, iVal] = [col("TS"), col("Device"), col("Sensor"), col("Value")];
  if ([iTs, iDev, iSen, iVal].includes(-1)) throw new Error(`${path}: header must have TS,Device,Sensor,Value`);
  const groups = new Map();
  let rows = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    const f = line.split(",");
    const key = `${f[iDev]}_${f[iSen]}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ts: [], value: [] }));
    g.ts.push(f[iTs]);
    g.value.push(f[iVal]);
    rows++;
  }
  return { rows, groups };
}

/**
 * Scores one model on its rows and writes its predictions file.
 * @param {string} modelPath
 * @param {string} device
 * @param {string} sensor
 * @param {{ ts: string[], value: string[] }} g
 * @param {string} outDir
 * @returns {Promise<number>} anomalies
 */
async function scoreModel(modelPath, device, sensor, g, outDir) {
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1 });
  try {
    const n = g.value.length;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = Number(g.value[i]);
    const result = await session.run({ X: new ort.Tensor("float32", x, [n, 1]) });
    const scores = /** @type {Float32Array} */ (result.scores.data);
    let anomalies = 0;
    let csv = "TS,Device,Sensor,Val,Score,Prediction\n";
    for (let i = 0; i < n; i++) {
      const score = scores[i];
      const prediction = score <= 0 ? 1 : 0;
      anomalies += prediction;
      csv += `${g.ts[i]},${device},${sensor},${g.value[i]},${String(score)},${prediction}\n`;
    }
    await writeFile(join(outDir, `preds_${device}_${sensor}.csv`), csv);
    return anomalies;
  } finally {
    await session.release();
  }
}

/**
 * @param {{ models: string, data: string, out: string }} args
 */
export async function naiveBaseline({ models, data, out }) {
  const started = new Date();
  const { rows, groups } = await readGroups(data);
  await mkdir(out, { recursive: true });
  const perModel = [];
  for (const file of (await readdir(models)).sort()) {
    const m = MODEL_FILE.exec(file);
    if (!m) continue;
    const [, device, sensor] = m;
    const g = groups.get(`${device}_${sensor}`);
    if (!g) {
      perModel.push({ model: `${device}_${sensor}`, status: "no-data", rows: 0, anomalies: 0 });
      continue;
    }
    const anomalies = await scoreModel(join(models, file), device, sensor, g, out);
    perModel.push({ model: `${device}_${sensor}`, status: "scored", rows: g.value.length, anomalies });
  }
  const manifest = {
    engine: "naive-baseline (onnxruntime-node, one session per model, sequential)",
    start: started.toISOString(),
    end: new Date().toISOString(),
    rows,
    models: perModel,
  };
  await writeFile(join(out, "_manifest.json"), JSON.stringify(manifest, null, 2));
  return manifest;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: { models: { type: "string" }, data: { type: "string" }, out: { type: "string" } },
  });
  if (!values.models || !values.data || !values.out) {
    console.error("usage: node naive-baseline.mjs --models <dir> --data <file.csv[.gz]> --out <dir>");
    process.exit(2);
  }
  const m = await naiveBaseline(/** @type {{ models: string, data: string, out: string }} */ (values));
  const anomalies = m.models.reduce((s, x) => s + x.anomalies, 0);
  console.log(`naive baseline: ${m.models.length} models, ${m.rows} rows, ${anomalies} anomalies -> ${values.out}`);
}
