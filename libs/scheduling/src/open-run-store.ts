import { resolve } from "node:path";
import type { RunStore } from "./run-store.js";
import { SchedulingError } from "./scheduling-error.js";
import { SqlRunStore } from "./sql-run-store.js";

export interface OpenRunStoreOptions {
  /** PostgreSQL password when the URL has none (apps read FLEETSCORE_SQL_PASSWORD). */
  readonly password?: string;
}

/** A URL for messages: the password, if any, replaced. */
const redacted = (url: string): string => url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");

/**
 * Opens the run store a config names: `sqlite:<file>` (relative to the working directory; created with its
 * folder) or `postgres://` / `postgresql://` URLs. The schema is created when missing.
 * @throws SchedulingError `InvalidConfig` for another scheme, `RunStoreUnavailable` when it cannot connect.
 */
export async function openRunStore(url: string, options: OpenRunStoreOptions = {}): Promise<RunStore> {
  try {
    if (url.startsWith("sqlite:")) {
      const { openSqliteConnection } = await import("./sqlite-connection.js");
      const file = url.slice("sqlite:".length);
      return await SqlRunStore.create(openSqliteConnection(file === ":memory:" ? file : resolve(file)), url);
    }
    if (/^postgres(ql)?:\/\//.test(url)) {
      const { openPostgresConnection } = await import("./postgres-connection.js");
      return await SqlRunStore.create(openPostgresConnection(url, options.password), redacted(url));
    }
  } catch (e) {
    throw new SchedulingError(`Run store ${redacted(url)} is unavailable: ${(e as Error).message}`, "RunStoreUnavailable", { cause: e });
  }
  throw new SchedulingError(`Run store ${JSON.stringify(redacted(url))} is not sqlite:<file> or postgres://user@host:port/db`, "InvalidConfig");
}
