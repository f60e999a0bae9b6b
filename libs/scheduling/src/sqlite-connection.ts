import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { SqlConnection } from "./sql-run-store.js";

/**
 * better-sqlite3 behind {@link SqlConnection}. WAL and a busy timeout let `runs`/`show` read while the
 * daemon writes; transactions are serialized on this connection so no other statement runs inside one.
 */
export function openSqliteConnection(file: string): SqlConnection {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 10000");
  db.pragma("foreign_keys = ON");
  let lock: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const result = lock.then(work, work);
    lock = result.catch(() => undefined);
    return result;
  };
  const direct: SqlConnection = {
    query: async <T extends object>(sql: string, params: readonly unknown[] = []) => db.prepare(sql).all(...params) as T[],
    execute: async (sql, params = []) => {
      db.prepare(sql).run(...params);
    },
    transaction: (work) => work(direct),
    close: async () => {
      db.close();
    },
  };
  return {
    query: (sql, params) => serialized(() => direct.query(sql, params)),
    execute: (sql, params) => serialized(() => direct.execute(sql, params)),
    transaction: (work) =>
      serialized(async () => {
        db.exec("BEGIN IMMEDIATE");
        try {
          const result = await work(direct);
          db.exec("COMMIT");
          return result;
        } catch (e) {
          db.exec("ROLLBACK");
          throw e;
        }
      }),
    close: () => serialized(() => direct.close()),
  };
}
