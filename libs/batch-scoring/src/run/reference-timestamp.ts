/** `YYYY-MM-DD HH:MM:SS.fff`: how the reference data writes TS, and so the prediction files of SQL windows. */
export const REFERENCE_TIMESTAMP_LENGTH = 23;

/**
 * The times (epoch ms, UTC) written as reference timestamps, {@link REFERENCE_TIMESTAMP_LENGTH} latin1 bytes
 * each, back to back. A chunk holds a few distinct window ends, so this is cheap next to its rows.
 */
export function referenceTimestampBytes(times: Float64Array): Uint8Array {
  const out = Buffer.allocUnsafe(times.length * REFERENCE_TIMESTAMP_LENGTH);
  for (let i = 0; i < times.length; i++) {
    const iso = new Date(times[i]!).toISOString();
    out.write(`${iso.slice(0, 10)} ${iso.slice(11, 23)}`, i * REFERENCE_TIMESTAMP_LENGTH, "latin1");
  }
  return out;
}
