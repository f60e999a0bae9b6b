#!/usr/bin/env node
// `npm run eventhubs-peer -- --port <p> [--partitions 4] [--hub readings]`: builds the peer if needed (Nx
// caches it; the build's output goes to stderr so stdout carries only the connection string line), then
// serves until SIGINT/SIGTERM.
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const built = spawnSync("npx", ["nx", "run", "eventhubs-peer:build", "--outputStyle=static"], { cwd: root, stdio: ["ignore", 2, 2] });
if (built.status !== 0) {
  console.error("eventhubs-peer: building the peer failed");
  process.exit(1);
}
const child = spawn(process.execPath, [join(root, "libs/eventhubs-peer/dist/main.js"), ...process.argv.slice(2)], { cwd: root, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));
