import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateLabels, isLogMonitorError, readLabelsCsv, type ScoredSeries } from "../index.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fleetscore-labels-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const t = (s: string): number => Date.parse(`${s}Z`);

describe("readLabelsCsv", () => {
  it("accepts the columns in any order and case, with or without kind, and sets bad rows aside with their line", async () => {
    const file = join(dir, "labels.csv");
    await writeFile(file, "Kind,TS,Sensor,Device\nspike,2018-08-29 00:00:05,4,1\ndrift,2018-08-29T00:00:10Z,4,1\n,bad,4,1\n");
    const parsed = await readLabelsCsv(file);
    expect(parsed.labels).toEqual([
      { deviceId: "1", sensorId: "4", ts: t("2018-08-29T00:00:05"), kind: "spike" },
      { deviceId: "1", sensorId: "4", ts: t("2018-08-29T00:00:10"), kind: "drift" },
    ]);
    expect(parsed.rejected).toEqual([{ line: 4, message: expect.stringContaining('ts "bad"') }]);
    const noKind = join(dir, "nokind.csv");
    await writeFile(noKind, "device,sensor,ts\n1,4,2018-08-29 00:00:05\n");
    expect((await readLabelsCsv(noKind)).labels[0]!.kind).toBe("anomaly");
  });

  it("rejects a file without a required column, naming it and the header", async () => {
    const file = join(dir, "bad.csv");
    await writeFile(file, "device,when\n1,2018\n");
    await expect(readLabelsCsv(file)).rejects.toSatisfy(
      (e) => isLogMonitorError(e) && e.code === "InvalidLabels" && /has no sensor, ts column \(header: "device,when"/.test(e.message),
    );
  });
});

describe("evaluateLabels", () => {
  // Window means stamped with the window end every 5 s: rows at :05, :10, :15, :20.
  const series: ScoredSeries = {
    ts: Float64Array.from([5, 10, 15, 20], (s) => t(`2018-08-29T00:00:${String(s).padStart(2, "0")}`)),
    score: Float64Array.from([-1, 1, -1, 1]),
    prediction: Uint8Array.from([1, 0, 1, 0]),
  };
  it("matches a label to the row of its window and counts TP, FP, FN per row", () => {
    const labels = [
      { deviceId: "1", sensorId: "4", ts: t("2018-08-29T00:00:03"), kind: "spike" }, // window (0, 5] -> row :05, flagged
      { deviceId: "1", sensorId: "4", ts: t("2018-08-29T00:00:07"), kind: "spike" }, // row :10, not flagged
      { deviceId: "1", sensorId: "4", ts: t("2018-08-29T00:00:08"), kind: "drift" }, // same row :10
      { deviceId: "1", sensorId: "4", ts: t("2018-08-29T00:01:00"), kind: "drift" }, // after the data: unmatched
      { deviceId: "9", sensorId: "9", ts: t("2018-08-29T00:00:05"), kind: "drift" }, // no such model: unmatched
    ];
    const e = evaluateLabels(new Map([["1_4", series]]), labels);
    expect(e).toMatchObject({ labels: 5, unmatched: 2, truePositives: 1, falsePositives: 1, falseNegatives: 1, precision: 0.5, recall: 0.5 });
    expect(e.byKind).toEqual([
      { kind: "drift", labels: 1, detected: 0, recall: 0 },
      { kind: "spike", labels: 2, detected: 1, recall: 0.5 },
    ]);
  });

  it("leaves precision and recall undefined when there is nothing to divide", () => {
    const none: ScoredSeries = { ts: Float64Array.of(1), score: Float64Array.of(1), prediction: Uint8Array.of(0) };
    expect(evaluateLabels(new Map([["1_4", none]]), [])).toMatchObject({ precision: undefined, recall: undefined });
  });
});
