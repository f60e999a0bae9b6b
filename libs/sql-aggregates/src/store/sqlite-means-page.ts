import { AggregateStoreError } from "./aggregate-store-error.js";
import type { WindowMeanRecord } from "./aggregate-store.js";

/**
 * A page of window means from SQLite as one row of four JSON arrays (device ids, sensor ids, window ends,
 * means) instead of one row per window: better-sqlite3 spends about 1 us building each row's JS values, and
 * JSON.parse of a page's arrays costs a third of that (scoring synthetic-2k from SQLite read 2M rows in ~4.8 s
 * of main-thread CPU as rows, ~1.8 s as JSON). SQLite (3.43 and later) writes a REAL in JSON with the digits
 * that read back to the same double; the conformance suite checks it on awkward values.
 *
 * @param rowsQuery The page's rows in key order (window_end, device_id, sensor_id), with its LIMIT.
 */
export function meansPageQuery(rowsQuery: string): string {
  // A FROM subquery with a LIMIT is never flattened into an aggregate query: the arrays take its rows in
  // its order. decodeMeansPage checks that order all the same, as keyset paging depends on it.
  return `SELECT json_group_array(device_id), json_group_array(sensor_id), json_group_array(window_end), json_group_array(mean), count(*) FROM (${rowsQuery})`;
}

/** The row meansPageQuery selects. */
export type MeansPageRow = [string, string, string, string, number];

/**
 * The records of a meansPageQuery row, in key order.
 * @param where The database as messages name it.
 * @throws AggregateStoreError `ReadFailed` if the arrays do not hold the page's rows in key order.
 */
export function decodeMeansPage(row: MeansPageRow, where: string): WindowMeanRecord[] {
  const deviceIds = JSON.parse(row[0]) as string[];
  const sensorIds = JSON.parse(row[1]) as string[];
  const windowEnds = JSON.parse(row[2]) as number[];
  const means = JSON.parse(row[3]) as number[];
  const count = row[4];
  if (deviceIds.length !== count || sensorIds.length !== count || windowEnds.length !== count || means.length !== count) {
    throw new AggregateStoreError(`${where}: a page of ${count} window means came back with arrays of ${deviceIds.length}, ${sensorIds.length}, ${windowEnds.length} and ${means.length} entries`, "ReadFailed");
  }
  const records = new Array<WindowMeanRecord>(count);
  for (let i = 0; i < count; i++) {
    const record: WindowMeanRecord = { deviceId: deviceIds[i]!, sensorId: sensorIds[i]!, windowEndMs: windowEnds[i]!, mean: means[i]! };
    if (i > 0 && !isAfter(record, records[i - 1]!)) {
      throw new AggregateStoreError(`${where}: a page of window means came back out of key order at entry ${i} (device ${JSON.stringify(record.deviceId)} sensor ${JSON.stringify(record.sensorId)} ending ${record.windowEndMs})`, "ReadFailed");
    }
    records[i] = record;
  }
  return records;
}

/** Whether `a` comes after `b` in the key order (window_end, device_id, sensor_id) of SQLite's BINARY collation. */
function isAfter(a: WindowMeanRecord, b: WindowMeanRecord): boolean {
  if (a.windowEndMs !== b.windowEndMs) return a.windowEndMs > b.windowEndMs;
  const byDevice = compareBinary(a.deviceId, b.deviceId);
  return byDevice > 0 || (byDevice === 0 && compareBinary(a.sensorId, b.sensorId) > 0);
}

/**
 * Strings in the order of their UTF-8 bytes (SQLite's BINARY collation). UTF-16 code units below the
 * surrogates sort as their UTF-8 bytes do, which covers every id in practice without encoding it.
 */
function compareBinary(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return Buffer.compare(Buffer.from(a.slice(i)), Buffer.from(b.slice(i)));
  }
  return a.length - b.length;
}
