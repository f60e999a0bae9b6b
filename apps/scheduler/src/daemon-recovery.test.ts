import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const MAIN = resolve(import.meta.dirname, "../dist/main.js");
const SCORER_MAIN = join(ROOT, "apps/scorer/dist/main.js");
const GATED = join(ROOT, "libs/scheduling/src/test-fixtures/wrappers/gated-scorer.mjs");
const REFERENCE = resolve(ROOT, "../shared/fixtures/reference");
const RUN_ID = "ref-20261125T1400Z";

async function writeConfig(dir: string, scorer: string): Promise<string> {
  const file = join(dir, "scheduler.example.yaml");
  await writeFile(
    file,
    [
      `runStore: sqlite:${join(dir, "runs.db")}`,
      `logDir: ${join(dir, "logs")}`,
      "pipelines:",
      "  - name: ref",
      `    models: ${join(REFERENCE, "models")}`,
      `    data: { source: ${join(REFERENCE, "sensor_data.csv")} }`,
      `    output: ${join(dir, "out")}`,
      "    shards: 2",
      "    workersPerShard: 0",
      `    executor: { kind: process, scorer: ${scorer} }`,
      // Catch-up "latest" from the start time makes the daemon run 14:00 as soon as it starts: no waiting on the clock.
      "    catchUp: { policy: latest }",
      "    trigger: { type: recurrence, frequency: hour, interval: 1, startTime: '2026-11-25T14:00:00Z', endTime: '2026-11-25T14:00:00Z' }",
    ].join("\n"),
  );
  return file;
}

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
  // Before the daemon has planned the run, show says "No run"; any other error ends the wait at once.
  if (r.status !== 0 && !r.stderr.includes("No run")) throw new Error(`scheduler ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r;
};

async function predictions(out: string): Promise<Map<string, string>> {
  const names = (await readdir(out)).filter((n) => n.startsWith("preds_")).sort();
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(join(out, n), "utf8")] as const)));
}

/**
 * Polls `show` until `done` matches what it prints. A run that fails ends the wait at once, and a wait that
 * outlasts `giveUpInMs` (well inside the test's timeout) fails with the last output, so a stuck run says where.
 */
async function untilShown(config: string, env: NodeJS.ProcessEnv, done: RegExp, giveUpInMs = 240_000): Promise<string> {
  const deadline = Date.now() + giveUpInMs;
  for (;;) {
    const shown = cli(["show", "--config", config, RUN_ID], env).stdout;
    if (done.test(shown)) return shown;
    if (/: (failed|partial)\n/.test(shown)) throw new Error(`the run ended without ${done}:\n${shown}`);
    if (Date.now() > deadline) throw new Error(`still no ${done} after ${giveUpInMs} ms; last shown:\n${shown}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the daemon", () => {
  it("killed with SIGKILL mid-run and restarted, completes the run with the outputs of an uninterrupted one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fleetscore-daemon-"));
    const gate = join(dir, "gate");
    const env = { SCORER_MAIN, GATE_SHARD: "1", GATE_FILE: gate, FLEETSCORE_LOG_LEVEL: "warning" };
    const config = await writeConfig(dir, GATED);

    // Shard 1 waits at the gate, so the run is held mid-way: shard 0 done, shard 1 running.
    const daemon = spawn(process.execPath, [MAIN, "start", "--config", config], { env: { ...process.env, ...env }, detached: true, stdio: "ignore" });
    await untilShown(config, env, /0\/2 succeeded/);
    expect(cli(["show", "--config", config, RUN_ID], env).stdout).toMatch(/: running\n[\s\S]*1\/2 running/);
    // The whole process group: the daemon and its shard processes die at once, as in a machine crash.
    process.kill(-daemon.pid!, "SIGKILL");
    await new Promise((r) => daemon.once("exit", r));

    await writeFile(gate, "");
    const restarted = spawn(process.execPath, [MAIN, "start", "--config", config], { env: { ...process.env, ...env }, stdio: "ignore" });
    await untilShown(config, env, /: succeeded\n/);
    restarted.kill("SIGTERM");
    expect(await new Promise((r) => restarted.once("exit", r))).toBe(0);
    const shown = cli(["show", "--config", config, RUN_ID], env).stdout;
    expect(shown).toMatch(/0\/2 succeeded, attempts 1/);
    expect(shown).toMatch(/1\/2 succeeded, attempts 2/);
    expect(await readFile(join(dir, "logs", RUN_ID, "shard-1-of-2.log"), "utf8")).toMatch(/"--resume"/);

    const plain = await mkdtemp(join(tmpdir(), "fleetscore-daemon-plain-"));
    const once = spawnSync(process.execPath, [MAIN, "run-once", "--config", await writeConfig(plain, SCORER_MAIN), "--pipeline", "ref", "--at", "2026-11-25T14:00:00Z"], { encoding: "utf8", env: { ...process.env, ...env } });
    expect(once.status, once.stderr).toBe(0);
    const [resumed, uninterrupted] = await Promise.all([predictions(join(dir, "out", RUN_ID)), predictions(join(plain, "out", RUN_ID))]);
    expect(resumed.size).toBe(15);
    expect(resumed).toEqual(uninterrupted);
    const totals = async (d: string) => JSON.parse(await readFile(join(d, "out", RUN_ID, "_manifest.json"), "utf8")).totals;
    expect({ ...(await totals(dir)), resumed: 0 }).toEqual({ ...(await totals(plain)), resumed: 0 });
    expect(existsSync(join(dir, "out", RUN_ID, "_manifest.json"))).toBe(true);
  }, 300_000);

  it("a bad config names the file, the field and the value (exit 2)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fleetscore-badconfig-"));
    const file = join(dir, "bad.yaml");
    await writeFile(file, "pipelines:\n  - name: x\n    models: m\n    data: { source: d.csv }\n    output: o\n    shards: 0\n    trigger: { type: cron, expression: '0 * * * *' }\n");
    const r = spawnSync(process.execPath, [MAIN, "runs", "--config", file], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}: pipelines.0.shards: Too small: expected number to be >0 (got 0)`);
  });
});
