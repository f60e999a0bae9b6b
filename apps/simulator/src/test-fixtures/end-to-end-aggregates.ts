import { openAggregateStore } from "@fleetscore/sql-aggregates";
import type { WindowAggregateRecord } from "@fleetscore/stream-windowing";

/** Every window of a database (its only window size), in the reader's order. */
export async function windows(url: string): Promise<WindowAggregateRecord[]> {
  const store = await openAggregateStore(url, { migrate: false });
  try {
    const all: WindowAggregateRecord[] = [];
    for await (const page of store.read({ fromMs: -1, toMs: 8.64e15 })) all.push(...page);
    return all;
  } finally {
    await store.close();
  }
}

/** The dead letters the aggregator kept in a database. */
export async function deadLetters(url: string) {
  const store = await openAggregateStore(url, { migrate: false });
  try {
    return await store.readDeadLetters({ limit: 100_000 });
  } finally {
    await store.close();
  }
}
