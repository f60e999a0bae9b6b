import { open } from "node:fs/promises";
import { csvReadingSource, eventLogReadingSource, type ReadingSource } from "@fleetscore/sql-aggregates";
import { eventHubsReadingSource, type EventHubsSourceArgs } from "./event-hubs-source.js";

const SQLITE_MAGIC = "SQLite format 3\0";

/**
 * `--from`: `eventlog:<file>` or a file that is a SQLite database is the simulator's local event log;
 * `csv:<file>` or any other file is a readings CSV replay; `eventhubs:<hub>` is Azure Event Hubs (or the local peer).
 */
export async function openReadingSource(from: string, hubArgs?: EventHubsSourceArgs, env: NodeJS.ProcessEnv = {}): Promise<ReadingSource> {
  if (from.startsWith("eventhubs:")) return eventHubsReadingSource(from.slice("eventhubs:".length), hubArgs ?? { arrivalTime: "auto" }, env);
  if (from.startsWith("eventlog:")) return eventLogReadingSource(from.slice("eventlog:".length));
  if (from.startsWith("csv:")) return csvReadingSource(from.slice("csv:".length));
  return (await isSqliteFile(from)) ? eventLogReadingSource(from) : csvReadingSource(from);
}

async function isSqliteFile(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === "ENOENT" ? `${path} does not exist` : `cannot open ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(16), 0, 16, 0);
    return bytesRead === 16 && buffer.toString("latin1") === SQLITE_MAGIC;
  } finally {
    await handle.close();
  }
}
