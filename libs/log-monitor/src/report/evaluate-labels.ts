import type { AnomalyLabel } from "./labels.js";
import type { ScoredSeries } from "./prediction-file.js";

export interface KindRecall {
  readonly kind: string;
  /** Labels of this kind that fall on a scored row. */
  readonly labels: number;
  /** Labels whose scored row was predicted an anomaly. */
  readonly detected: number;
  readonly recall: number | undefined;
}

/** Predictions against ground truth, counted per scored row. */
export interface LabelEvaluation {
  readonly labels: number;
  /** Labels that fall on no scored row (their model failed, was not scored, or the time is outside its data). */
  readonly unmatched: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  /** TP / (TP + FP); undefined when nothing was predicted. */
  readonly precision: number | undefined;
  /** TP / (TP + FN); undefined when no label matched a row. */
  readonly recall: number | undefined;
  readonly byKind: readonly KindRecall[];
}

/** Index of the row a label falls on: the first row at or after it, if the label is after the row before that one. */
function rowOf(s: ScoredSeries, ts: number): number | undefined {
  let lo = 0;
  let hi = s.ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s.ts[mid]! < ts) lo = mid + 1;
    else hi = mid;
  }
  if (lo >= s.ts.length) return undefined;
  if (s.ts[lo] === ts) return lo;
  // A window aggregate's row is stamped with the window end: the label belongs to it if it is inside the window.
  const width = lo > 0 ? s.ts[lo]! - s.ts[lo - 1]! : s.ts.length > 1 ? s.ts[1]! - s.ts[0]! : 0;
  return s.ts[lo]! - ts < width ? lo : undefined;
}

/**
 * Precision and recall of a run's predictions against labels. A scored row is a positive when some label
 * falls on it (same device and sensor; the row's time, or inside the window that ends at it); every scored
 * row of every model counts, so anomalies predicted for unlabelled models are false positives.
 */
export function evaluateLabels(series: ReadonlyMap<string, ScoredSeries>, labels: readonly AnomalyLabel[]): LabelEvaluation {
  const positives = new Map<string, Set<number>>();
  const kinds = new Map<string, { labels: number; detected: number }>();
  let unmatched = 0;
  for (const l of labels) {
    const key = `${l.deviceId}_${l.sensorId}`;
    const s = series.get(key);
    const row = s ? rowOf(s, l.ts) : undefined;
    if (row === undefined) {
      unmatched++;
      continue;
    }
    const k = kinds.get(l.kind) ?? { labels: 0, detected: 0 };
    kinds.set(l.kind, k);
    k.labels++;
    if (s!.prediction[row] === 1) k.detected++;
    if (!positives.has(key)) positives.set(key, new Set());
    positives.get(key)!.add(row);
  }
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [key, s] of series) {
    const pos = positives.get(key) ?? new Set<number>();
    for (let i = 0; i < s.prediction.length; i++) {
      if (s.prediction[i] === 1) {
        if (pos.has(i)) tp++;
        else fp++;
      }
      else if (pos.has(i)) fn++;
    }
  }
  const ratio = (a: number, b: number): number | undefined => (b > 0 ? a / b : undefined);
  return {
    labels: labels.length,
    unmatched,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    byKind: [...kinds].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([kind, k]) => ({ kind, ...k, recall: ratio(k.detected, k.labels) })),
  };
}
