import { readFile, readdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FolderRunOutput, scoreBatch } from "./index.js";
import { REFERENCE_DATA, REFERENCE_MODELS, makeTempDir } from "./test-fixtures/paths.js";

let tmp: string;
beforeAll(async () => {
  tmp = await makeTempDir();
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Per prediction file, its rows' [score, prediction]. */
async function scoreWith(engine: "auto" | "onnx"): Promise<{ anomalies: number; rows: Map<string, Array<[number, string]>> }> {
  const manifest = await scoreBatch({ runId: engine, data: REFERENCE_DATA, models: REFERENCE_MODELS, engine, workers: 0, output: await FolderRunOutput.create(tmp, engine) });
  const rows = new Map<string, Array<[number, string]>>();
  for (const name of (await readdir(join(tmp, engine))).filter((n) => n.startsWith("preds_"))) {
    const lines = (await readFile(join(tmp, engine, name), "utf8")).trimEnd().split("\n").slice(1);
    rows.set(name, lines.map((l) => l.split(",")).map((f) => [Number(f[4]), f[5]!]));
  }
  return { anomalies: manifest.totals.anomalies, rows };
}

it("the root README's figures for --engine onnx vs auto are those measured on the reference data", async () => {
  const auto = await scoreWith("auto");
  const onnx = await scoreWith("onnx");
  let onlyOnnx = 0;
  let onlyAuto = 0;
  let largest = 0;
  for (const [name, autoRows] of auto.rows) {
    const onnxRows = onnx.rows.get(name)!;
    autoRows.forEach(([score, flag], i) => {
      if (flag === onnxRows[i]![1]) return;
      if (flag === "1") onlyAuto++;
      else onlyOnnx++;
      largest = Math.max(largest, Math.abs(score));
    });
  }
  const fmt = (n: number): string => n.toLocaleString("en-US");
  const readme = (await readFile(resolve(import.meta.dirname, "../../../README.md"), "utf8")).replace(/\s+/g, " ");
  expect(readme).toContain(`${fmt(onnx.anomalies)} anomalies with \`onnx\` vs ${fmt(auto.anomalies)} with \`auto\``);
  expect(readme).toContain(`${onlyOnnx + onlyAuto} of the 17,768 rows differ (${onlyOnnx} flagged only by \`onnx\`, ${onlyAuto} only by \`auto\`)`);
  expect(largest).toBeLessThan(3.1e-10);
  expect(readme).toContain("within 3.1e-10 of 0");
});
