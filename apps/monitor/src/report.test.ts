import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openReport } from "./test-fixtures/open-in-chromium.js";
import { makeTempDir, modelsWithOneCorrupt, monitor, readManifest, scoreReference } from "./test-fixtures/runs.js";

/** Screenshots are test artifacts: beside the vitest JSON reports in CI, else under the OS temp dir. */
const ARTIFACTS = join(process.env["FLEETSCORE_TEST_REPORT_DIR"] ?? join(tmpdir(), "fleetscore-test-artifacts"), "monitor");

let dir: string;
let out: string;

beforeAll(async () => {
  dir = await makeTempDir();
  out = join(dir, "out");
  await mkdir(ARTIFACTS, { recursive: true });
  const r = await scoreReference(out, "rep", { models: await modelsWithOneCorrupt(dir), extra: ["--max-failed-models", "1"] });
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Labels on rows of model 1_3 that the run predicted: 10 it flagged (kind spike), 10 it did not (kind drift). */
async function labelsFromPredictions(file: string): Promise<void> {
  const rows = (await readFile(join(out, "rep", "preds_1_3.csv"), "utf8")).trim().split("\n").slice(1).map((l) => l.split(","));
  const flagged = rows.filter((r) => r[5] === "1").slice(0, 10);
  const missed = rows.filter((r) => r[5] === "0").slice(0, 10);
  const iso = (ts: string): string => `${ts.replace(" ", "T")}Z`;
  const lines = [...flagged.map((r) => `${r[1]},${r[2]},${iso(r[0]!)},spike`), ...missed.map((r) => `${r[1]},${r[2]},${iso(r[0]!)},drift`)];
  await writeFile(file, ["device,sensor,ts,kind", ...lines, "1,3,not-a-time,spike"].join("\n") + "\n");
}

describe("report", () => {
  it("writes one self-contained HTML file whose every chart renders with data in headless Chromium, with no network and no console error", async () => {
    const labels = join(dir, "labels.csv");
    await labelsFromPredictions(labels);
    const html = join(dir, "report", "rep.html");
    const r = await monitor(["report", "--out", out, "rep", "--html", html, "--labels", labels]);
    expect(r.code, r.stderr).toBe(0);
    // 10 labelled rows flagged, 10 not: recall 50%; precision = 10 of every anomaly the run predicted.
    const anomalies = (await readManifest(out, "rep")).totals.anomalies;
    expect(r.stdout).toContain(`precision ${((100 * 10) / anomalies).toFixed(1)}%, recall 50.0%`);

    const text = await readFile(html, "utf8");
    expect(text).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/cdn/i);
    const page = await openReport(html, join(ARTIFACTS, "report.png"));
    expect(page.consoleErrors).toEqual([]);
    expect(page.requests).toEqual([]);
    expect(page.title).toBe("Run rep: partial");
    expect(page.canvases.map((c) => c.id).sort()).toEqual(["heatmap", "labels", "scores-0", "scores-1", "scores-2", "scores-3", "scores-4", "shards"]);
    for (const c of page.canvases) {
      expect(c.width * c.height, c.id).toBeGreaterThan(10_000);
      // Axes alone paint a few percent; a chart with data paints much more.
      expect(c.painted / (c.width * c.height), c.id).toBeGreaterThan(0.05);
    }
    expect((await stat(join(ARTIFACTS, "report.png"))).size).toBeGreaterThan(10_000);
    expect(text).toContain("1_4");
    expect(text).toContain("InvalidModel");
    expect(text).toContain("line 22: ts &quot;not-a-time&quot;");
  }, 600_000);

  it("rejects a labels file without the ts column, naming it (exit 2), and writes nothing", async () => {
    const labels = join(dir, "bad-labels.csv");
    await writeFile(labels, "device,sensor,when\n1,3,2018-01-01\n");
    const html = join(dir, "bad.html");
    const r = await monitor(["report", "--out", out, "rep", "--html", html, "--labels", labels]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Labels ${labels} has no ts column`);
    await expect(stat(html)).rejects.toThrow();
  });
});
