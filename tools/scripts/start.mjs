#!/usr/bin/env node
// `npm start`: builds the scorer if needed and scores the reference set (data/reference) into ./out.
// Extra arguments are passed to `score`, e.g. `npm start -- --engine onnx`.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const main = join(root, "apps/scorer/dist/main.js");

const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: "inherit" }).status ?? 1;

// Nx caches the build, so this is quick when nothing changed.
if (run("npx", ["nx", "run", "scorer:build", "--outputStyle=static"]) !== 0 || !existsSync(main)) {
  console.error("start: building the scorer failed");
  process.exit(1);
}
process.exit(
  run(process.execPath, [
    main,
    "score",
    "--models", "data/reference/models",
    "--data", "data/reference/sensor_data.csv",
    "--out", "out",
    ...process.argv.slice(2),
  ]),
);
