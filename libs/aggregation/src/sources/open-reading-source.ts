import { open } from "node:fs/promises";
import { LocalEventLog } from "@fleetscore/event-transport";
import { AggregationError } from "../pipeline/aggregation-error.js";
import { csvReadingSource } from "./csv-reading-source.js";
import { eventLogReadingSource } from "./event-log-reading-source.js";
import type { ReadingSource } from "./reading-source.js";

const SQLITE_MAGIC = "SQLite format 3\0";

/**
 * Opens a source by its location: `eventlog:<file>` or a file that is a SQLite database is the simulator's
 * local event log; `csv:<file>` or any other file is a readings CSV replay. (An Event Hubs consumer is
 * given to {@link eventLogReadingSource} directly.)
 * @throws AggregationError `InvalidSource` naming the file when it is missing or cannot be opened;
 *   EventLogError from opening the log.
 */
export async function openReadingSource(from: string): Promise<ReadingSource> {
  if (from.startsWith("eventlog:")) return openLocalLog(from.slice("eventlog:".length));
  if (from.startsWith("csv:")) return csvReadingSource(from.slice("csv:".length));
  return (await isSqliteFile(from)) ? openLocalLog(from) : csvReadingSource(from);
}

async function openLocalLog(path: string): Promise<ReadingSource> {
  const log = await LocalEventLog.open(path, { createIfNotExists: false });
  return eventLogReadingSource(log, { location: path, close: () => log.close() });
}

async function isSqliteFile(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AggregationError(code === "ENOENT" ? `${path} does not exist` : `cannot open ${path}: ${(e as Error).message}`, "InvalidSource", { cause: e });
  }
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(16), 0, 16, 0);
    return bytesRead === 16 && buffer.toString("latin1") === SQLITE_MAGIC;
  } finally {
    await handle.close();
  }
}
