import pg from "pg";
import type { SqlConnection } from "./sql-run-store.js";

/** `?` placeholders to PostgreSQL's `$1, $2, ...` (the store's SQL has no `?` inside literals). */
const numbered = (sql: string): string => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

type Queryable = Pick<pg.PoolClient, "query">;

function over(client: Queryable, transaction: SqlConnection["transaction"], close: () => Promise<void>): SqlConnection {
  return {
    query: async <T extends object>(sql: string, params: readonly unknown[] = []) => (await client.query(numbered(sql), [...params])).rows as T[],
    execute: async (sql, params = []) => {
      await client.query(numbered(sql), [...params]);
    },
    transaction,
    close,
  };
}

/** A pg pool behind {@link SqlConnection}; each transaction takes a client of its own. */
export function openPostgresConnection(url: string, password?: string): SqlConnection {
  const pool = new pg.Pool({ connectionString: url, max: 4, ...(password !== undefined && { password }) });
  pool.on("error", () => undefined);
  const transaction: SqlConnection["transaction"] = async (work) => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const tx = over(client, (inner) => inner(tx), async () => undefined);
      const result = await work(tx);
      await client.query("COMMIT");
      return result;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  };
  return over(pool, transaction, () => pool.end());
}
