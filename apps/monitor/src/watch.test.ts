import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, monitor, scoreReference } from "./test-fixtures/runs.js";

let dir: string;
let out: string;
const shard = (runId: string, spec: string) => scoreReference(out, runId, { extra: ["--shard", spec] });

beforeAll(async () => {
  dir = await makeTempDir();
  out = join(dir, "out");
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Each test runs the real scorer once or twice: generous per-test guards for a loaded machine (no test waits on time).
describe("watch", { timeout: 300_000 }, () => {
  it("prints a JSON line per change off a terminal and ends with the run's status when the last shard finishes", async () => {
    expect((await shard("w-run", "0/2")).code).toBe(0);
    let firstLine!: () => void;
    const sawFirst = new Promise<void>((resolve) => (firstLine = resolve));
    const watching = monitor(["watch", "--out", out, "w-run", "--interval", "100ms"], { onStdout: () => firstLine() });
    await sawFirst; // the run as it was with one shard of two, before the second starts
    expect((await shard("w-run", "1/2")).code).toBe(0);
    const r = await watching;
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ runId: "w-run", status: "in progress", shardsDone: 1, shardCount: 2 });
    expect(lines.at(-1)).toMatchObject({ runId: "w-run", status: "succeeded", shardsDone: 2, shardCount: 2, modelsScored: 15, modelsFailed: 0 });
  });

  it("stops at once with exit 4 on an abandoned run, and exit 2 for an unknown one", async () => {
    expect((await shard("w-abandoned", "0/2")).code).toBe(0);
    const r = await monitor(["watch", "--out", out, "w-abandoned", "--stale-after", "0"]);
    expect(r.code).toBe(4);
    expect(r.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { status: string }).status)).toEqual(["abandoned"]);
    const unknown = await monitor(["watch", "--out", out, "w-nothing"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No run "w-nothing"');
  });

  it("shows a progress bar on a terminal and the run's details at the end", async () => {
    const whole = await scoreReference(out, "w-tty");
    expect(whole.code).toBe(0);
    const r = await monitor(["watch", "--out", out, "w-tty"], { tty: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/run w-tty \|█+\| 15\/15 models \| succeeded \| files 15 \| failed 0/);
    expect(r.stdout).toMatch(/^run w-tty: succeeded/);
  });

  it("exits 130 when interrupted while the run is still in progress", async () => {
    expect((await shard("w-stuck", "0/2")).code).toBe(0);
    const controller = new AbortController();
    const r = await monitor(["watch", "--out", out, "w-stuck", "--interval", "50ms"], { signal: controller.signal, onStdout: () => controller.abort() });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("interrupted: stopped watching");
  });
});
