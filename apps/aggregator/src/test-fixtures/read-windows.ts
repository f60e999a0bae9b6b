import { openAggregateStore } from "@fleetscore/sql-aggregates";
import type { WindowAggregateRecord } from "@fleetscore/stream-windowing";

/** Every window (of one size: the database's only one by default) in the reader's order (window end, device, sensor). */
export async function readAllWindows(url: string, windowMs?: number): Promise<WindowAggregateRecord[]> {
  const store = await openAggregateStore(url, { migrate: false });
  try {
    const all: WindowAggregateRecord[] = [];
    for await (const page of store.read({ fromMs: -1, toMs: 8.64e15, ...(windowMs !== undefined && { windowMs }) })) all.push(...page);
    return all;
  } finally {
    await store.close();
  }
}

/** The checkpoint's position, or undefined while there is none (or the database is not there yet). */
export async function checkpointPosition(url: string, name: string): Promise<string | undefined> {
  try {
    const store = await openAggregateStore(url, { migrate: false });
    try {
      return (await store.readCheckpoint(name))?.position;
    } finally {
      await store.close();
    }
  } catch {
    return undefined;
  }
}
