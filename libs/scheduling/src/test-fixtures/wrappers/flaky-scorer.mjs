#!/usr/bin/env node
// Fails the first attempt of each shard (exit 1, an error log line), then runs the real scorer.
// FLAKY_DIR holds one marker file per shard that has failed once.
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const shard = process.argv[process.argv.indexOf("--shard") + 1]?.replace("/", "-of-");
const marker = join(process.env.FLAKY_DIR, `failed-once-${shard}`);
if (!existsSync(marker)) {
  writeFileSync(marker, "");
  process.stderr.write(JSON.stringify({ level: "error", msg: `transient failure of shard ${shard}` }) + "\n");
  process.exit(1);
}
const r = spawnSync(process.execPath, [process.env.SCORER_MAIN, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(r.status ?? 1);
