import { link, readdir, readFile, stat, unlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BatchScoringError } from "../batch-scoring-error.js";
import { LeaseHolder, describeHolder, holderIsGone, thisProcessAsHolder } from "./lease-holder.js";
import { DEFAULT_STALE_AFTER_MS, LeaseKeeper, runLeasedError, type WriterLease, type WriterLeaseOptions } from "./writer-lease.js";

/** Attempts when other writers keep changing the lease under us (each attempt either wins or sees a winner). */
const MAX_ATTEMPTS = 5;

/**
 * Takes the writer lease of a run folder: the file `<base>.<generation>.json` holding the holder, whose
 * mtime is its heartbeat. Every step is an atomic create-if-absent (`link` of a complete temp file: fails
 * with EEXIST, never shows a half-written lease), so two writers never both win:
 * - no lease file: create generation 0;
 * - the newest generation is live: refuse, naming its holder;
 * - it is stale (heartbeat older than the holder's stale limit, or its process on this host is gone):
 *   create the next generation; of several writers taking over at once exactly one creates it.
 * The newest generation is the lease; a holder that finds a newer one has lost it.
 * @throws BatchScoringError `RunLeased`, `OutputFailed` (the folder cannot be read or written).
 */
export async function acquireFolderLease(dir: string, base: string, what: string, options: WriterLeaseOptions = {}): Promise<WriterLease> {
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const holder = thisProcessAsHolder(staleAfterMs, new Date());
  const files = new LeaseFiles(dir, base);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    options.abortSignal?.throwIfAborted();
    const newest = (await files.generations())[0];
    let next = 0;
    if (newest !== undefined) {
      const seen = await files.read(newest);
      if (!seen) continue; // released meanwhile
      if (!isStale(seen, staleAfterMs)) throw runLeasedError(what, seen.holder, files.path(newest), "wait for it to finish, or stop it; a killed scorer's lease is taken over by the next run");
      next = newest + 1;
    }
    if (!(await files.create(next, holder))) continue; // another writer created it first: look again
    const after = await files.generations();
    if (after[0] !== next) {
      await files.remove(next); // a newer generation appeared at once: let it win
      continue;
    }
    for (const older of after.slice(1)) await files.remove(older);
    await files.removeAbandonedTemps(staleAfterMs);
    return startHeartbeat(files, next, holder, what);
  }
  const newest = (await files.generations())[0];
  const seen = newest === undefined ? undefined : await files.read(newest);
  throw runLeasedError(what, seen?.holder, files.path(newest ?? 0), "other scorers keep taking it over; run one scorer per run (or shard)");
}

/** A live writer lease of any shard in the run folder, if there is one (for commands that must not meet a writer). */
export async function findLiveFolderLease(dir: string, which: (base: string) => boolean = () => true): Promise<{ holder: LeaseHolder | undefined; path: string } | undefined> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const bases = new Set(names.flatMap((n) => /^(_lease(?:-shard-\d+-of-\d+)?)\.\d+\.json$/.exec(n)?.[1] ?? []));
  for (const base of [...bases].filter(which).sort()) {
    const files = new LeaseFiles(dir, base);
    const newest = (await files.generations())[0];
    const seen = newest === undefined ? undefined : await files.read(newest);
    if (seen && !isStale(seen, DEFAULT_STALE_AFTER_MS)) return { holder: seen.holder, path: files.path(newest!) };
  }
  return undefined;
}

function isStale(seen: { holder: LeaseHolder | undefined; mtimeMs: number }, defaultStaleAfterMs: number): boolean {
  if (seen.holder && holderIsGone(seen.holder)) return true;
  return Date.now() - seen.mtimeMs > (seen.holder?.staleAfterMs ?? defaultStaleAfterMs);
}

function startHeartbeat(files: LeaseFiles, generation: number, holder: LeaseHolder, what: string): WriterLease {
  const path = files.path(generation);
  const keeper = new LeaseKeeper(
    () => new BatchScoringError(`${what}: this scorer (${describeHolder(holder)}) lost its writer lease ${path}: it missed heartbeats for over ${holder.staleAfterMs} ms and another scorer took over; it writes nothing more`, "RunLeased"),
    async () => {
      if ((await files.generations())[0] !== generation) return "lost";
      const now = new Date();
      await utimes(path, now, now);
      return "held";
    },
    Math.max(1, Math.floor(holder.staleAfterMs / 3)),
  );
  let released: Promise<void> | undefined;
  const release = (): Promise<void> =>
    (released ??= (async () => {
      await keeper.stop();
      await files.remove(generation);
    })());
  return { holder, location: path, throwIfLost: () => keeper.throwIfLost(), release, [Symbol.asyncDispose]: release };
}

/** The generations of one lease in a folder. */
class LeaseFiles {
  readonly #pattern: RegExp;

  constructor(
    private readonly dir: string,
    private readonly base: string,
  ) {
    this.#pattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.(\\d+)\\.json$`);
  }

  path(generation: number): string {
    return join(this.dir, `${this.base}.${generation}.json`);
  }

  /** Newest first. */
  async generations(): Promise<number[]> {
    const names = await readdir(this.dir).catch(ioError(`list ${this.dir}`));
    return names.flatMap((n) => {
      const m = this.#pattern.exec(n);
      return m ? [Number(m[1])] : [];
    }).sort((a, b) => b - a);
  }

  /** The holder (undefined if unreadable) and heartbeat of a generation; undefined if it is gone. */
  async read(generation: number): Promise<{ holder: LeaseHolder | undefined; mtimeMs: number } | undefined> {
    return readHolderFile(this.path(generation));
  }

  /** Creates a generation, complete, if nobody has: false when it exists already. */
  async create(generation: number, holder: LeaseHolder): Promise<boolean> {
    const temp = join(this.dir, `${this.base}.${holder.token}.tmp`);
    try {
      await writeFile(temp, JSON.stringify(holder, null, 2) + "\n", { flag: "wx" });
      await link(temp, this.path(generation));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw ioError(`create ${this.path(generation)}`)(e);
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  /**
   * Removes the temporary files of writers that died between writing theirs and linking it (a kill -9
   * there leaves `<base>.<token>.tmp` behind): each is judged as a lease is, by its holder's process or
   * its age, so a live writer's file (it is racing for a generation) is left alone.
   */
  async removeAbandonedTemps(defaultStaleAfterMs: number): Promise<void> {
    const prefix = `${this.base}.`;
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.startsWith(prefix) && n.endsWith(".tmp"))) {
      const path = join(this.dir, name);
      const seen = await readHolderFile(path);
      if (seen && isStale(seen, defaultStaleAfterMs)) await unlink(path).catch(() => undefined);
    }
  }

  async remove(generation: number): Promise<void> {
    await unlink(this.path(generation)).catch(() => undefined);
  }
}

/** A lease (or lease temp) file's holder (undefined if unreadable) and heartbeat; undefined if it is gone. */
async function readHolderFile(path: string): Promise<{ holder: LeaseHolder | undefined; mtimeMs: number } | undefined> {
  try {
    const [text, s] = await Promise.all([readFile(path, "utf8"), stat(path)]);
    let holder: LeaseHolder | undefined;
    try {
      holder = LeaseHolder.parse(JSON.parse(text));
    } catch {
      holder = undefined; // not ours to read (or cut short): judged by its age alone
    }
    return { holder, mtimeMs: s.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw ioError(`read ${path}`)(e);
  }
}

const ioError = (what: string) => (e: unknown): never => {
  throw new BatchScoringError(`Cannot ${what}: ${(e as Error).message}`, "OutputFailed", { cause: e });
};
