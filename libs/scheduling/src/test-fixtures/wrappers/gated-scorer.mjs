#!/usr/bin/env node
// Runs the real scorer, but shard GATE_SHARD first waits until the file GATE_FILE exists: a test holds a
// run mid-way (one shard done, one not) without depending on speed.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";

const shard = process.argv[process.argv.indexOf("--shard") + 1];
const gated = shard?.startsWith(`${process.env.GATE_SHARD}/`);
while (gated && !existsSync(process.env.GATE_FILE)) await new Promise((r) => setTimeout(r, 50));
const child = spawn(process.execPath, [process.env.SCORER_MAIN, ...process.argv.slice(2)], { stdio: "inherit" });
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code) => process.exit(code ?? 1));
