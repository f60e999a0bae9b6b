import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { PREDICTION_CSV_HEADER } from "@fleetscore/contracts";
import { describe, expect, it } from "vitest";
import { REFERENCE_DATA, REFERENCE_MODELS, runScorer } from "./test-fixtures/run-scorer.js";
import { useScorerTempDir } from "./test-fixtures/scorer-suite.js";
import { inputRowsOf, readManifest } from "./test-fixtures/reference-rows.js";

const tmp = useScorerTempDir("empty-store");

describe("scorer score (built CLI, end to end)", () => {
  it("scores the 15 reference models: one file per model, input order, verbatim TS and Val, libsvm labels", async () => {
    const out = join(tmp(), "out-auto");
    const r = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const [runId] = await readdir(out);
    expect(runId).toMatch(/^\d{8}T\d{6}Z$/);
    const runDir = join(out, runId!);
    const manifest = await readManifest(runDir);
    expect(manifest.runId).toBe(runId);
    expect(manifest.status).toBe("succeeded");
    expect(manifest.totals).toMatchObject({ models: 15, scored: 15, failed: 0, noModel: 0, scoredRows: 17_768 });
    // fixtures/README.md: about 38% of rows are anomalies.
    expect(manifest.totals.anomalies / 17_768).toBeGreaterThan(0.3);
    expect(manifest.totals.anomalies / 17_768).toBeLessThan(0.45);
    expect(r.stdout).toContain(`run ${runId}: 15 models scored, 0 failed`);
    expect(r.stdout).toContain(`${manifest.totals.anomalies.toLocaleString("en-US")} anomalies`);

    const files = (await readdir(runDir)).sort();
    expect(files).toEqual(["_input.json", "_manifest.json", ...manifest.models.map((m) => `preds_${m.modelId}.csv`)].sort());
    let anomalies = 0;
    for (const m of manifest.models) {
      expect(m).toMatchObject({ status: "scored", engine: "ts", parameters: "float64-json" });
      expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
      const lines = (await readFile(join(runDir, `preds_${m.modelId}.csv`), "utf8")).trimEnd().split("\n");
      expect(lines[0]).toBe(PREDICTION_CSV_HEADER);
      const input = inputRowsOf(m.deviceId, m.sensorId);
      expect(lines.length - 1).toBe(input.length);
      expect(m.rows).toBe(input.length);
      lines.slice(1).forEach((line, i) => {
        const [ts, d, s, val, score, pred] = line.split(",");
        expect(`${ts},${d},${s},${val}`).toBe(input[i]);
        const label = Number(score) > 0 ? 0 : 1;
        expect(Number(pred)).toBe(label);
        anomalies += label;
      });
    }
    expect(anomalies).toBe(manifest.totals.anomalies);
  });

  it("gives the same labels with the onnx engine, except where |score| is within float32 noise", async () => {
    const runs: Record<string, string> = {};
    for (const engine of ["ts", "onnx"]) {
      const out = join(tmp(), `out-${engine}`);
      const r = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", out, "--run-id", "r1", "--engine", engine]);
      expect(r.code, r.stderr).toBe(0);
      const manifest = await readManifest(join(out, "r1"));
      expect(new Set(manifest.models.map((m) => m.engine))).toEqual(new Set([engine]));
      runs[engine] = join(out, "r1");
    }
    let compared = 0;
    for (const f of (await readdir(runs["ts"]!)).filter((n) => n.startsWith("preds_"))) {
      const a = (await readFile(join(runs["ts"]!, f), "utf8")).trimEnd().split("\n").slice(1);
      const b = (await readFile(join(runs["onnx"]!, f), "utf8")).trimEnd().split("\n").slice(1);
      expect(b.length).toBe(a.length);
      a.forEach((line, i) => {
        const [sa, pa] = line.split(",").slice(4).map(Number) as [number, number];
        const [sb, pb] = b[i]!.split(",").slice(4).map(Number) as [number, number];
        expect(Math.abs(sa - sb)).toBeLessThan(1e-6);
        if (Math.abs(sa) > 2e-6) {
          expect(pb).toBe(pa);
          compared++;
        }
      });
    }
    expect(compared).toBeGreaterThan(10_000);
  });

});
