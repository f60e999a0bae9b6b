import { PREDICTION_CSV_HEADER } from "@fleetscore/contracts";
import { describe, expect, it } from "vitest";
import { formatPredictionCsv, type ModelRows } from "./index.js";

const rows: ModelRows = {
  deviceId: "7",
  sensorId: "2",
  modelId: "7_2",
  tsText: ["2018-08-28 23:00:05.000", "2018-08-28 23:00:10.000", "2018-08-28 23:00:15.000", "2018-08-28 23:00:20.000"],
  valueText: ["10.160", "1e1", "-3", "4.5"],
  values: [10.16, 10, -3, 4.5],
};

describe("formatPredictionCsv", () => {
  it("writes the header, verbatim TS and Val, round-trip scores and libsvm labels", () => {
    const scores = Float64Array.from([0.1 + 0.2, 0, -1e-9, 1e-300]);
    const { text, anomalies } = formatPredictionCsv(rows, scores);
    const lines = text.split("\n");
    expect(lines[0]).toBe(PREDICTION_CSV_HEADER);
    expect(lines.slice(1, 5)).toEqual([
      "2018-08-28 23:00:05.000,7,2,10.160,0.30000000000000004,0",
      "2018-08-28 23:00:10.000,7,2,1e1,0,1", // exactly 0 is an anomaly
      "2018-08-28 23:00:15.000,7,2,-3,-1e-9,1",
      "2018-08-28 23:00:20.000,7,2,4.5,1e-300,0",
    ]);
    expect(lines[5]).toBe("");
    expect(anomalies).toBe(2);
    for (let i = 0; i < scores.length; i++) expect(Number(lines[i + 1]!.split(",")[4])).toBe(scores[i]);
  });

  it("refuses a score count that does not match the rows", () => {
    expect(() => formatPredictionCsv(rows, new Float64Array(3))).toThrow(/returned 3 scores for 4 rows/);
  });
});
