import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rm } from "node:fs/promises";
import { makeTempDir, modelsWithOneCorrupt, monitor, readManifest, REFERENCE_MODELS, scoreReference } from "./test-fixtures/runs.js";

// Runs made by the real scorer CLI: succeeded, partial (a corrupt model within --max-failed-models),
// failed (the same beyond it) and one shard of two only (in progress, then abandoned once stale).
let dir: string;
let out: string;
let corrupt: string;
const score = (runId: string, models: string, extra: string[] = []) => scoreReference(out, runId, { models, extra, logFile: join(dir, `${runId}.log`) });

beforeAll(async () => {
  dir = await makeTempDir();
  out = join(dir, "out");
  corrupt = await modelsWithOneCorrupt(dir);
  expect((await score("r-ok", REFERENCE_MODELS)).code).toBe(0);
  expect((await score("r-partial", corrupt, ["--max-failed-models", "1"])).code).toBe(0);
  expect((await score("r-failed", corrupt)).code).toBe(3);
  expect((await score("r-shard", REFERENCE_MODELS, ["--shard", "0/2"])).code).toBe(0);
}, 180_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("runs", () => {
  it("lists every run newest first with its status, shards, models, rows and anomalies", async () => {
    const r = await monitor(["runs", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^RUN\s+STATUS\s+SHARDS\s+MODELS OK\s+FAILED\s+ROWS\s+ANOMALIES\s+DURATION$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/)[0])).toEqual(["r-shard", "r-failed", "r-partial", "r-ok"]);
    for (const [runId, status] of [["r-ok", "succeeded"], ["r-partial", "partial"], ["r-failed", "failed"]] as const) {
      const m = await readManifest(out, runId);
      const cells = lines.find((l) => l.startsWith(`${runId} `))!.split(/\s{2,}/);
      expect(cells.slice(1, 7)).toEqual([status, "1/1", String(m.totals.scored), String(m.totals.failed), m.totals.scoredRows.toLocaleString("en-US"), m.totals.anomalies.toLocaleString("en-US")]);
    }
    const shard = await readManifest(out, "r-shard", "_manifest.shard-0-of-2.json");
    expect(lines[1]!.split(/\s{2,}/).slice(1, 6)).toEqual(["in progress", "1/2", String(shard.totals.scored), "0", shard.totals.scoredRows.toLocaleString("en-US")]);
  });

  it("keeps --last runs and prints JSON with --json", async () => {
    const r = await monitor(["runs", "--out", out, "--last", "2", "--json"]);
    expect(r.code).toBe(0);
    const runs = JSON.parse(r.stdout) as { runId: string; status: string }[];
    expect(runs.map((x) => [x.runId, x.status])).toEqual([["r-shard", "in progress"], ["r-failed", "failed"]]);
  });
});

describe("show", () => {
  it("names the failed model, its error and its log line, and exits 3 for a failed run", async () => {
    const log = join(dir, "r-failed.log");
    const r = await monitor(["show", "--out", out, "r-failed", "--logs", log]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^run r-failed: failed: 1 model\(s\) failed, more than --max-failed-models 0$/m);
    expect(r.stdout).toContain('1_4: [InvalidModel] Model "1_4": cannot be read as an ONNX protobuf');
    const where = new RegExp(`recorded in ${join(out, "r-failed", "_manifest.json").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}; log ${log.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:(\\d+)`);
    const line = Number(where.exec(r.stdout)?.[1]);
    const logged = JSON.parse((await readFile(log, "utf8")).split("\n")[line - 1]!) as Record<string, unknown>;
    expect(logged).toMatchObject({ level: "warning", runId: "r-failed", model: "1_4" });
  });

  it("exits 0 for a partial run within its threshold and for a succeeded one", async () => {
    const partial = await monitor(["show", "--out", out, "r-partial"]);
    expect(partial.code).toBe(0);
    expect(partial.stdout).toMatch(/partial: 1 model\(s\) failed, within --max-failed-models 1/);
    expect(partial.stdout).toContain("1_4: [InvalidModel]");
    const ok = await monitor(["show", "--out", out, "r-ok", "--json"]);
    expect(ok.code).toBe(0);
    const summary = JSON.parse(ok.stdout) as { status: string; failures: unknown[]; modelsScored: number };
    expect(summary).toMatchObject({ status: "succeeded", failures: [], modelsScored: (await readManifest(out, "r-ok")).totals.scored });
  });

  it("exits 4 for a shard run without the others: in progress while fresh, abandoned once stale, naming the missing shard", async () => {
    const fresh = await monitor(["show", "--out", out, "r-shard"]);
    expect(fresh.code).toBe(4);
    expect(fresh.stdout).toMatch(/^run r-shard: in progress: no _manifest.json yet; 1 of 2 shard\(s\) done/m);
    const stale = await monitor(["show", "--out", out, "r-shard", "--stale-after", "0"]);
    expect(stale.code).toBe(4);
    expect(stale.stdout).toMatch(/abandoned: .*shard\(s\) 1\/2 never finished/);
    expect(stale.stdout).toMatch(/^0\/2\s+succeeded\s+7\s+0\s/m);
    expect(stale.stdout).toMatch(/^1\/2\s+missing\s/m);
  });

  it("exits 2 naming what is missing: an unknown run, a missing output folder, a bad flag", async () => {
    const unknown = await monitor(["show", "--out", out, "no-such-run"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`No run "no-such-run" under ${out}`);
    const missing = await monitor(["runs", "--out", join(dir, "nowhere")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/error: .*nowhere/);
    const bad = await monitor(["runs", "--out", out, "--last", "zero"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--last");
  });
});
