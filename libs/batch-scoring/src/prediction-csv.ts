import { PREDICTION_CSV_HEADER, isAnomaly } from "@fleetscore/contracts";
import type { ModelRows } from "./read-scoring-input.js";

export interface FormattedPredictions {
  readonly text: string;
  readonly anomalies: number;
}

/**
 * One model's prediction file: header `TS,Device,Sensor,Val,Score,Prediction`, rows in input order,
 * TS and Val verbatim, Score as JavaScript's shortest round-trip decimal (`Number#toString`, which
 * parses back to the same float64), Prediction 1 for an anomaly (score <= 0).
 */
export function formatPredictionCsv(rows: ModelRows, scores: Float64Array): FormattedPredictions {
  if (scores.length !== rows.values.length) {
    throw new RangeError(`Model "${rows.modelId}" returned ${scores.length} scores for ${rows.values.length} rows`);
  }
  const lines = new Array<string>(scores.length + 1);
  lines[0] = PREDICTION_CSV_HEADER;
  const prefix = `,${rows.deviceId},${rows.sensorId},`;
  let anomalies = 0;
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i]!;
    const anomaly = isAnomaly(score);
    if (anomaly) anomalies++;
    lines[i + 1] = `${rows.tsText[i]}${prefix}${rows.valueText[i]},${score},${anomaly ? 1 : 0}`;
  }
  return { text: lines.join("\n") + "\n", anomalies };
}
