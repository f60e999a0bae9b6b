/**
 * Scoring from SQL: how a range of windows is named, and how a window end is written in prediction files.
 * The windows themselves reach the scorer's workers as values (batch-scoring's openScoringInput and its
 * values chunks), not as CSV text: writing and parsing that text made scoring from SQLite 1.5x slower.
 */
import type { AggregateStore } from "../store/aggregate-store.js";

/** `YYYY-MM-DD HH:MM:SS.fff`, UTC: how the reference data writes TS. */
export function formatReferenceTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** How a range of a store's windows is named in messages and manifests: `<store> windows (<from>, <to>]`. */
export function aggregatesRangeLocation(store: AggregateStore, fromMs: number, toMs: number): string {
  return `${store.location} windows (${new Date(fromMs).toISOString()}, ${new Date(toMs).toISOString()}]`;
}
