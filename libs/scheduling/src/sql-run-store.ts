import type { OperationOptions } from "@fleetscore/contracts";
import type { ListRunsOptions, NewRun, RunRecord, RunStore, RunTotals, RunUpdate, ShardRecord, ShardUpdate } from "./run-store.js";

/** The little a SQL database must do for the run store; SQLite and PostgreSQL adapters implement it. */
export interface SqlConnection {
  /** `?` placeholders; adapters translate them to their own. */
  query<T extends object>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  execute(sql: string, params?: readonly unknown[]): Promise<void>;
  transaction<T>(work: (tx: SqlConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS scheduler_runs (
    run_id TEXT PRIMARY KEY, pipeline TEXT NOT NULL, scheduled_at TEXT NOT NULL, status TEXT NOT NULL,
    shard_count INTEGER NOT NULL, output TEXT NOT NULL, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT,
    error TEXT, totals TEXT)`,
  `CREATE INDEX IF NOT EXISTS scheduler_runs_by_pipeline ON scheduler_runs (pipeline, scheduled_at)`,
  `CREATE TABLE IF NOT EXISTS scheduler_shards (
    run_id TEXT NOT NULL REFERENCES scheduler_runs (run_id), shard_index INTEGER NOT NULL, shard_count INTEGER NOT NULL,
    status TEXT NOT NULL, attempts INTEGER NOT NULL, started_at TEXT, finished_at TEXT, exit_code INTEGER, error TEXT,
    log_path TEXT, pid INTEGER, PRIMARY KEY (run_id, shard_index))`,
];

interface RunRow {
  run_id: string;
  pipeline: string;
  scheduled_at: string;
  status: RunRecord["status"];
  shard_count: number;
  output: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  totals: string | null;
}

interface ShardRow {
  run_id: string;
  shard_index: number;
  shard_count: number;
  status: ShardRecord["status"];
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
  exit_code: number | null;
  error: string | null;
  log_path: string | null;
  pid: number | null;
}

const date = (s: string | null): Date | undefined => (s === null ? undefined : new Date(s));

function toRun(r: RunRow): RunRecord {
  return {
    runId: r.run_id,
    pipeline: r.pipeline,
    scheduledAt: new Date(r.scheduled_at),
    status: r.status,
    shardCount: Number(r.shard_count),
    output: r.output,
    createdAt: new Date(r.created_at),
    ...(r.started_at !== null && { startedAt: date(r.started_at) }),
    ...(r.finished_at !== null && { finishedAt: date(r.finished_at) }),
    ...(r.error !== null && { error: r.error }),
    ...(r.totals !== null && { totals: JSON.parse(r.totals) as RunTotals }),
  };
}

function toShard(r: ShardRow): ShardRecord {
  return {
    runId: r.run_id,
    index: Number(r.shard_index),
    count: Number(r.shard_count),
    status: r.status,
    attempts: Number(r.attempts),
    ...(r.started_at !== null && { startedAt: date(r.started_at) }),
    ...(r.finished_at !== null && { finishedAt: date(r.finished_at) }),
    ...(r.exit_code !== null && { exitCode: Number(r.exit_code) }),
    ...(r.exit_code === null && r.finished_at !== null && { exitCode: null }),
    ...(r.error !== null && { error: r.error }),
    ...(r.log_path !== null && { logPath: r.log_path }),
    ...(r.pid !== null && { pid: Number(r.pid) }),
  };
}

/** Column name and value of each field set in an update (a Date as ISO text, totals as JSON). */
function assignments(update: Readonly<Record<string, unknown>>, columns: Readonly<Record<string, string>>): [string[], unknown[]] {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [field, value] of Object.entries(update)) {
    if (value === undefined || !(field in columns)) continue;
    sets.push(`${columns[field]} = ?`);
    values.push(value instanceof Date ? value.toISOString() : field === "totals" ? JSON.stringify(value) : value);
  }
  return [sets, values];
}

const RUN_COLUMNS = { status: "status", startedAt: "started_at", finishedAt: "finished_at", error: "error", totals: "totals" };
const SHARD_COLUMNS = {
  status: "status",
  attempts: "attempts",
  startedAt: "started_at",
  finishedAt: "finished_at",
  exitCode: "exit_code",
  error: "error",
  logPath: "log_path",
  pid: "pid",
};

/** The run store on any {@link SqlConnection}: one schema and one set of statements for every dialect. */
export class SqlRunStore implements RunStore {
  private constructor(
    private readonly db: SqlConnection,
    readonly location: string,
  ) {}

  static async create(db: SqlConnection, location: string): Promise<SqlRunStore> {
    for (const statement of SCHEMA) await db.execute(statement);
    return new SqlRunStore(db, location);
  }

  async createRun(run: NewRun, _options: OperationOptions = {}): Promise<{ run: RunRecord; created: boolean }> {
    return this.db.transaction(async (tx) => {
      const existing = await tx.query<RunRow>(`SELECT * FROM scheduler_runs WHERE run_id = ?`, [run.runId]);
      if (existing[0]) return { run: toRun(existing[0]), created: false };
      await tx.execute(
        `INSERT INTO scheduler_runs (run_id, pipeline, scheduled_at, status, shard_count, output, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO NOTHING`,
        [run.runId, run.pipeline, run.scheduledAt.toISOString(), run.status ?? "queued", run.shardCount, run.output, new Date().toISOString()],
      );
      await this.insertShards(tx, run.runId, run.shardCount);
      const [row] = await tx.query<RunRow>(`SELECT * FROM scheduler_runs WHERE run_id = ?`, [run.runId]);
      return { run: toRun(row!), created: true };
    });
  }

  private async insertShards(tx: SqlConnection, runId: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await tx.execute(`INSERT INTO scheduler_shards (run_id, shard_index, shard_count, status, attempts) VALUES (?, ?, ?, 'queued', 0)`, [runId, i, count]);
    }
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const [row] = await this.db.query<RunRow>(`SELECT * FROM scheduler_runs WHERE run_id = ?`, [runId]);
    return row && toRun(row);
  }

  async listRuns(options: ListRunsOptions = {}): Promise<RunRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.pipeline !== undefined) {
      where.push("pipeline = ?");
      params.push(options.pipeline);
    }
    if (options.statuses && options.statuses.length > 0) {
      where.push(`status IN (${options.statuses.map(() => "?").join(", ")})`);
      params.push(...options.statuses);
    }
    const limit = options.last !== undefined ? ` LIMIT ${Math.max(0, Math.floor(options.last))}` : "";
    const sql = `SELECT * FROM scheduler_runs${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY scheduled_at DESC, run_id DESC${limit}`;
    return (await this.db.query<RunRow>(sql, params)).map(toRun);
  }

  async updateRun(runId: string, update: RunUpdate): Promise<void> {
    const [sets, values] = assignments(update, RUN_COLUMNS);
    if (sets.length > 0) await this.db.execute(`UPDATE scheduler_runs SET ${sets.join(", ")} WHERE run_id = ?`, [...values, runId]);
  }

  async requeueRun(runId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [row] = await tx.query<RunRow>(`SELECT * FROM scheduler_runs WHERE run_id = ?`, [runId]);
      if (!row || row.status !== "skipped") return;
      await tx.execute(`DELETE FROM scheduler_shards WHERE run_id = ?`, [runId]);
      await this.insertShards(tx, runId, Number(row.shard_count));
      await tx.execute(`UPDATE scheduler_runs SET status = 'queued' WHERE run_id = ?`, [runId]);
    });
  }

  async listShards(runId: string): Promise<ShardRecord[]> {
    return (await this.db.query<ShardRow>(`SELECT * FROM scheduler_shards WHERE run_id = ? ORDER BY shard_index`, [runId])).map(toShard);
  }

  async updateShard(runId: string, index: number, update: ShardUpdate): Promise<void> {
    const [sets, values] = assignments(update, SHARD_COLUMNS);
    if (sets.length > 0) await this.db.execute(`UPDATE scheduler_shards SET ${sets.join(", ")} WHERE run_id = ? AND shard_index = ?`, [...values, runId, index]);
  }

  async latestScheduledAt(pipeline: string): Promise<Date | undefined> {
    const [row] = await this.db.query<{ latest: string | null }>(`SELECT MAX(scheduled_at) AS latest FROM scheduler_runs WHERE pipeline = ?`, [pipeline]);
    return row?.latest ? new Date(row.latest) : undefined;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
