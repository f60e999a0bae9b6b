import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// `npm start`'s whole pipeline (simulator -> local event log -> aggregator -> SQLite -> scheduled reference
// pipeline, 2 shards) on a temp out dir, twice. The test target builds the apps it runs (package.json).
const ROOT = resolve(import.meta.dirname, "../../..");
const START = join(ROOT, "tools/scripts/start.mjs");

function start(out: string) {
  const r = spawnSync(process.execPath, [START, "--out", out, "--skip-build"], { cwd: ROOT, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  const num = (re: RegExp) => Number(re.exec(r.stdout)?.[1]);
  return {
    stdout: r.stdout,
    runId: /^summary of (\S+)/m.exec(r.stdout)?.[1],
    sent: num(/readings (\d+) sent/),
    deadLettered: num(/dead-lettered (\d+)/),
    read: num(/(\d+) read from/),
    windowsWritten: num(/(\d+) windows written to/),
    windowsSinceFirst: num(/since the first start: .*windows (\d+)/),
    rows: num(/; rows (\d+); anomalies/),
    injected: num(/against (\d+) injected anomalies/),
    precision: num(/precision (\d\.\d+)/),
    recall: num(/recall (\d\.\d+)/),
  };
}

describe("npm start (tools/scripts/start.mjs)", () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it("simulates, aggregates and scores an hour; a second start continues with the next hour and doubles nothing", { timeout: 900_000 }, async () => {
    const out = await mkdtemp(join(tmpdir(), "npm-start-"));
    dirs.push(out);
    const first = start(out);
    expect(first.runId).toBe("reference-20180829T0500Z");
    expect(first.read).toBe(first.sent - first.deadLettered);
    expect(first.windowsSinceFirst).toBe(first.windowsWritten);
    // 15 series x 720 five-second windows, less those left empty by jitter and re-timed late events.
    expect(first.rows).toBeGreaterThan(10_000);
    expect(first.rows).toBeLessThanOrEqual(15 * 720);
    expect(first.injected).toBeGreaterThan(50);
    // Spikes of 6-10 standard deviations: the reference models flag nearly all of them.
    expect(first.recall).toBeGreaterThan(0.9);
    expect(first.precision).toBeGreaterThan(0);
    const firstManifest = await readFile(join(out, "runs", first.runId!, "_manifest.json"));

    const second = start(out);
    expect(second.runId).toBe("reference-20180829T0600Z");
    // Only the new hour's events are read, and the aggregates only grow by its windows.
    expect(second.read).toBe(second.sent - second.deadLettered);
    expect(second.windowsSinceFirst).toBe(first.windowsWritten + second.windowsWritten);
    expect(second.stdout).toContain("simulated hour 2018-08-29T05:00:00.000Z to 2018-08-29T06:00:00.000Z");
    // The first run was not run or written again.
    expect(await readFile(join(out, "runs", first.runId!, "_manifest.json"))).toEqual(firstManifest);
    const runs = spawnSync(process.execPath, [join(ROOT, "apps/scheduler/dist/main.js"), "runs", "--config", join(out, "reference.yaml")], { cwd: ROOT, encoding: "utf8" });
    expect(runs.stdout.match(/^reference-\S+\s+succeeded/gm)).toHaveLength(2);
  });
});
