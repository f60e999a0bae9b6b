#!/usr/bin/env node
// The naive baseline of `npm run bench:sql`: what one would write first without the windowing engine. Reads
// the CSV line by line (readline), inserts every reading into a raw table in one transaction, then lets
// SQLite aggregate the 5 s tumbling windows with GROUP BY. No event-ordering policies, no duplicate handling,
// no checkpoints: it only shows what the engine's features cost against plain SQL on the same file.
// Usage: node naive-sql-aggregation.mjs <data.csv[.gz]> <file.db> [window ms]
import { createReadStream } from "node:fs";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";

const require = createRequire(new URL("../../libs/sql-aggregates/package.json", import.meta.url));
const Database = require("better-sqlite3");

const [data, file, windowArg] = process.argv.slice(2);
const windowMs = Number(windowArg ?? 5000);
const db = new Database(file);
db.pragma("journal_mode = WAL");
db.exec(`CREATE TABLE readings (device_id TEXT, sensor_id TEXT, ts INTEGER, value REAL);
CREATE TABLE window_aggregates (device_id TEXT, sensor_id TEXT, window_start INTEGER, window_end INTEGER, count INTEGER,
  mean REAL, min REAL, max REAL, stddev REAL, PRIMARY KEY (window_end, device_id, sensor_id)) WITHOUT ROWID;`);
const insert = db.prepare("INSERT INTO readings VALUES (?, ?, ?, ?)");
const input = data.endsWith(".gz") ? createReadStream(data).pipe(createGunzip()) : createReadStream(data);
let header = true;
let rows = 0;
db.exec("BEGIN");
for await (const line of createInterface({ input, crlfDelay: Infinity })) {
  if (header) {
    header = false;
    continue;
  }
  const [ts, device, sensor, value] = line.split(",");
  insert.run(device, sensor, Date.parse(ts.replace(" ", "T") + "Z"), Number(value));
  rows++;
}
db.exec("COMMIT");
db.exec(`INSERT INTO window_aggregates
SELECT device_id, sensor_id, window_end - ${windowMs}, window_end, count(*), avg(value), min(value), max(value),
  CASE WHEN count(*) > 1 THEN sqrt(max(0, (sum(value * value) - sum(value) * sum(value) / count(*)) / (count(*) - 1))) ELSE 0 END
FROM (SELECT device_id, sensor_id, value, ((ts + ${windowMs} - 1) / ${windowMs}) * ${windowMs} AS window_end FROM readings)
GROUP BY device_id, sensor_id, window_end`);
const windows = db.prepare("SELECT count(*) AS n FROM window_aggregates").get().n;
db.close();
console.log(JSON.stringify({ rows, windows }));
