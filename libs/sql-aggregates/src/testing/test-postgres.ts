import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { access, chmod, chown, constants, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

export interface StartTestPostgresOptions {
  /** The database created for the tests (default "fleetscore"). */
  readonly database?: string;
  /** The superuser initdb creates (default "postgres"). */
  readonly user?: string;
  /**
   * Require this password over TCP (scram-sha-256) instead of trusting every local connection (the default).
   * It is part of `url`.
   */
  readonly password?: string;
  /** Default: a free port picked at start. */
  readonly port?: number;
  /** Where initdb and pg_ctl are. Default: PATH, then the newest /usr/lib/postgresql/<version>/bin. */
  readonly binDir?: string;
  /** How long start() waits for the server to accept connections (default 60,000). */
  readonly startTimeoutInMs?: number;
}

/** A throwaway PostgreSQL server on 127.0.0.1, its data in a temp dir. */
export interface TestPostgres {
  /** `postgres://<user>[:<password>]@127.0.0.1:<port>/<database>` */
  readonly url: string;
  readonly host: "127.0.0.1";
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** The cluster's data directory (inside a temp dir that dispose() removes). */
  readonly dataDir: string;
  /** True between a start and a stop. */
  readonly running: boolean;
  /** The URL of another database on this server (see createDatabase). */
  urlFor(database: string): string;
  /** Creates a database unless it exists; returns its URL. */
  createDatabase(database: string): Promise<string>;
  /**
   * Stops the server (`pg_ctl stop`). `fast` (the default) ends sessions with 57P01 admin_shutdown;
   * `immediate` quits without a clean shutdown, as a crash would; `smart` waits for sessions to end.
   */
  stop(options?: { readonly mode?: "smart" | "fast" | "immediate" }): Promise<void>;
  /** Starts it again on the same port and data (after stop). */
  start(): Promise<void>;
  /** Stops it (immediately) when running and removes the temp dir. Idempotent. */
  dispose(): Promise<void>;
}

const INSTALL_HINT = "install the PostgreSQL server (Debian/Ubuntu: apt-get install postgresql; it provides initdb and pg_ctl under /usr/lib/postgresql/<version>/bin)";

interface Binaries {
  readonly initdb: string;
  readonly pgCtl: string;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findIn(dirs: readonly string[]): Promise<Binaries | undefined> {
  let initdb: string | undefined;
  let pgCtl: string | undefined;
  for (const dir of dirs) {
    if (!initdb && (await isExecutable(join(dir, "initdb")))) initdb = join(dir, "initdb");
    if (!pgCtl && (await isExecutable(join(dir, "pg_ctl")))) pgCtl = join(dir, "pg_ctl");
  }
  return initdb && pgCtl ? { initdb, pgCtl } : undefined;
}

/** initdb and pg_ctl: from `binDir`, else PATH, else the newest /usr/lib/postgresql/<version>/bin. */
async function findBinaries(binDir: string | undefined): Promise<Binaries> {
  if (binDir !== undefined) {
    const found = await findIn([binDir]);
    if (!found) throw new Error(`PostgreSQL: initdb and pg_ctl not found in ${binDir}; ${INSTALL_HINT}`);
    return found;
  }
  const fromPath = await findIn((process.env["PATH"] ?? "").split(delimiter).filter((d) => d !== ""));
  if (fromPath) return fromPath;
  let versions: string[] = [];
  try {
    versions = (await readdir("/usr/lib/postgresql")).filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a));
  } catch {
    // No /usr/lib/postgresql: fall through to the error.
  }
  for (const v of versions) {
    const found = await findIn([join("/usr/lib/postgresql", v, "bin")]);
    if (found) return found;
  }
  throw new Error(`PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin: ${INSTALL_HINT}`);
}

interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

function run(file: string, args: readonly string[], cwd: string, timeoutInMs = 120_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, timeout: timeoutInMs, env: { ...process.env, LC_ALL: "C", LANG: "C" } }, (error, stdout, stderr) => {
      if (error) {
        reject(Object.assign(new Error(`${[file, ...args].join(" ")} failed: ${error.message}\n${stdout}\n${stderr}`.trim()), { cause: error }));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

/** How to run a PostgreSQL binary: directly, or (as root, which initdb and postgres refuse) as user postgres. */
interface Runner {
  run(binary: string, args: readonly string[], cwd: string, timeoutInMs?: number): Promise<RunResult>;
  readonly owner?: { readonly uid: number; readonly gid: number };
}

async function makeRunner(): Promise<Runner> {
  if (process.getuid?.() !== 0) return { run };
  let uid: number;
  let gid: number;
  try {
    uid = Number((await run("id", ["-u", "postgres"], "/")).stdout.trim());
    gid = Number((await run("id", ["-g", "postgres"], "/")).stdout.trim());
  } catch {
    throw new Error(
      `PostgreSQL refuses to run as root, and there is no user "postgres" to run it as: create one (useradd --system --user-group postgres) or ${INSTALL_HINT}, which creates it`,
    );
  }
  const runuser = (await isExecutable("/usr/sbin/runuser")) ? "/usr/sbin/runuser" : (await isExecutable("/sbin/runuser")) ? "/sbin/runuser" : undefined;
  if (runuser) {
    return { owner: { uid, gid }, run: (binary, args, cwd, timeout) => run(runuser, ["-u", "postgres", "--", binary, ...args], cwd, timeout) };
  }
  // su takes one command line: quote every argument for /bin/sh.
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return { owner: { uid, gid }, run: (binary, args, cwd, timeout) => run("su", ["postgres", "-s", "/bin/sh", "-c", [binary, ...args].map(quote).join(" ")], cwd, timeout) };
}

/** A port nothing listens on right now (the OS picks it); the server binds it a moment later. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function tail(path: string, lines = 30): Promise<string> {
  try {
    return (await readFile(path, "utf8")).split("\n").slice(-lines).join("\n");
  } catch {
    return "(no server log)";
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function postgresUrl(user: string, password: string | undefined, port: number, database: string): string {
  const auth = password !== undefined ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}` : encodeURIComponent(user);
  return `postgres://${auth}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/**
 * Creates `database` on the server of `serverUrl` (connecting to the database that URL names) unless it
 * exists, and returns the URL of the new database. For tests: one database per test keeps them apart.
 */
export async function createPostgresDatabase(serverUrl: string, database: string): Promise<string> {
  if (!IDENTIFIER.test(database)) throw new Error(`createPostgresDatabase: ${JSON.stringify(database)} is not a plain identifier (A-Z a-z 0-9 _)`);
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: serverUrl });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${database}"`);
  } catch (e) {
    // 42P04 duplicate_database: someone made it first, which is what we wanted.
    if ((e as { code?: string }).code !== "42P04") throw e;
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.href;
}

/**
 * Starts a throwaway PostgreSQL server for tests: a temp dir, `initdb` (as user postgres when running as
 * root, since PostgreSQL refuses root), a free port on 127.0.0.1 only, the unix socket in the temp dir,
 * fsync off (the data is disposable), then waits until it accepts connections and creates `database`.
 * Needs the server binaries (initdb, pg_ctl): on PATH or under /usr/lib/postgresql/<version>/bin.
 * @throws Error naming what to install when the binaries are missing, with the server log when it fails to start.
 */
export async function startTestPostgres(options: StartTestPostgresOptions = {}): Promise<TestPostgres> {
  const binaries = await findBinaries(options.binDir);
  const runner = await makeRunner();
  const user = options.user ?? "postgres";
  const database = options.database ?? "fleetscore";
  if (!IDENTIFIER.test(user) || !IDENTIFIER.test(database)) throw new Error("startTestPostgres: user and database must be plain identifiers (A-Z a-z 0-9 _)");
  const root = await mkdtemp(join(tmpdir(), "fleetscore-pg-"));
  const dataDir = join(root, "data");
  const logFile = join(root, "server.log");
  const port = options.port ?? (await freePort());
  const timeoutInMs = options.startTimeoutInMs ?? 60_000;
  let running = false;
  let disposed = false;

  const killOnExit = (): void => {
    // The server is a daemon: if the test process ends without dispose(), quit it rather than leak it.
    try {
      const pid = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
      if (pid > 0) process.kill(pid, "SIGQUIT");
    } catch {
      // Not running.
    }
  };

  try {
    if (runner.owner) await chown(root, runner.owner.uid, runner.owner.gid);
    await chmod(root, 0o700);
    const initdbArgs = ["-D", dataDir, "-U", user, "-E", "UTF8", "--locale=C", "-N"];
    if (options.password !== undefined) {
      const pwfile = join(root, "pwfile");
      await writeFile(pwfile, `${options.password}\n`, { mode: 0o600 });
      if (runner.owner) await chown(pwfile, runner.owner.uid, runner.owner.gid);
      initdbArgs.push(`--pwfile=${pwfile}`, "--auth-host=scram-sha-256", "--auth-local=trust");
    } else {
      initdbArgs.push("--auth=trust");
    }
    await runner.run(binaries.initdb, initdbArgs, root);
    if (options.password !== undefined) await rm(join(root, "pwfile"), { force: true });
  } catch (e) {
    await rm(root, { recursive: true, force: true });
    throw e;
  }

  const serverOptions = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories='${root}'`,
    // Disposable data: skip durability work so tests run fast.
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c max_connections=200",
  ].join(" ");

  const start = async (): Promise<void> => {
    if (disposed) throw new Error("startTestPostgres: this server was disposed");
    if (running) return;
    try {
      await runner.run(binaries.pgCtl, ["-D", dataDir, "-l", logFile, "-w", "-t", String(Math.ceil(timeoutInMs / 1000)), "-o", serverOptions, "start"], root, timeoutInMs + 10_000);
    } catch (e) {
      throw new Error(`PostgreSQL did not start on 127.0.0.1:${port}: ${(e as Error).message}\n--- server log ---\n${await tail(logFile)}`, { cause: e });
    }
    running = true;
    process.on("exit", killOnExit);
  };

  const stop = async (stopOptions: { readonly mode?: "smart" | "fast" | "immediate" } = {}): Promise<void> => {
    if (!running) return;
    await runner.run(binaries.pgCtl, ["-D", dataDir, "-m", stopOptions.mode ?? "fast", "-w", "-t", "60", "stop"], root, 70_000);
    running = false;
    process.off("exit", killOnExit);
  };

  const url = postgresUrl(user, options.password, port, database);
  try {
    await start();
    await createPostgresDatabase(postgresUrl(user, options.password, port, "postgres"), database);
  } catch (e) {
    await stop({ mode: "immediate" }).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    throw e;
  }

  return {
    url,
    host: "127.0.0.1",
    port,
    user,
    database,
    dataDir,
    get running() {
      return running;
    },
    urlFor: (other) => postgresUrl(user, options.password, port, other),
    createDatabase: (other) => createPostgresDatabase(url, other),
    stop,
    start,
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      try {
        await stop({ mode: "immediate" });
      } catch {
        // pg_ctl failed (e.g. the data dir is damaged): quit the server by its pid rather than leak it.
        killOnExit();
        running = false;
        process.off("exit", killOnExit);
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}
