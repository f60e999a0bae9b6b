import { z } from "zod";
import { DeviceId, SensorId } from "./ids.js";

/** Header of every prediction file: the reference scoring script's columns plus Score. */
export const PREDICTION_CSV_HEADER = "TS,Device,Sensor,Val,Score,Prediction" as const;

/**
 * One scored row. `ts` and `value` keep the exact text of the input so output matches input byte for
 * byte; `prediction` is 1 for an anomaly, i.e. `score <= 0` (libsvm: exactly 0 is an anomaly).
 */
export const PredictionRow = z.object({
  ts: z.string().min(1),
  deviceId: DeviceId,
  sensorId: SensorId,
  value: z.string().min(1),
  score: z.number(),
  prediction: z.union([z.literal(0), z.literal(1)]),
});
export type PredictionRow = z.infer<typeof PredictionRow>;

/** libsvm's rule, used everywhere a score becomes a label: anomaly iff score <= 0 (NaN counts as anomaly). */
export function isAnomaly(score: number): boolean {
  return !(score > 0);
}

/** Prediction file name of one model within a run folder. */
export function predictionFileName(deviceId: string, sensorId: string): string {
  return `preds_${deviceId}_${sensorId}.csv`;
}
