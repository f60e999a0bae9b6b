import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, type BigIntStats } from "node:fs";
import { mkdir, open, readFile, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import type { OperationOptions } from "@fleetscore/contracts";
import { pipeline } from "node:stream/promises";
import type { AcquireBlobLeaseOptions, BlobBody, BlobLease, BlobExistsOptions, BlobItem, BlobProperties, BlobStore, BreakBlobLeaseOptions, DeleteBlobOptions, GetBlobOptions, GetBlobPropertiesOptions, ListBlobsOptions, PutBlobOptions, PutBlobResult } from "./blob-store.js";
import { InProcessLeases } from "./in-process-leases.js";
import { BlobStoreError, isAbortError, throwIfAborted } from "./blob-store-error.js";
import { validateBlobName, validateBlobPrefix } from "./blob-name.js";
import { logger } from "./log.js";

export interface CreateFolderBlobStoreOptions {
  /** Create the folder (and its parents) when missing; otherwise a missing folder is `InvalidLocation`. Default false. */
  readonly createIfNotExists?: boolean;
}

/** Temporary files of in-flight puts start with this; listing skips them. */
const TEMP_MARK = ".~fleetscore-put-";

/** Per-file queues, shared by every FolderBlobStore in this process, so conditional puts on one file run one at a time. */
const locks = new Map<string, Promise<unknown>>();
/** Blob leases, shared like the locks (so two stores on one folder in this process see each other's). */
const leases = new InProcessLeases();

async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  locks.set(key, tail);
  try {
    return await run;
  } finally {
    if (locks.get(key) === tail) locks.delete(key);
  }
}

/** ETag of a file version: inode, size and mtime in nanoseconds. A put writes a new file (temp + rename), so each put changes it. */
function etagOf(s: BigIntStats): string {
  return `"${s.mtimeNs.toString(16)}-${s.size.toString(16)}-${s.ino.toString(16)}"`;
}

function errnoOf(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e && typeof e.code === "string" ? e.code : undefined;
}

/**
 * A BlobStore over a local folder: blob `a/b.txt` is the file `<dir>/a/b.txt`. Puts write a temporary
 * file beside the target and rename it, so readers never see a partial blob. Conditional puts are checked
 * and committed under a per-file lock, which makes them safe between callers in this process (not between
 * processes sharing the folder).
 */
export class FolderBlobStore implements BlobStore {
  readonly location: string;

  private constructor(readonly root: string) {
    this.location = root;
  }

  /**
   * Opens the folder `dir` (resolved against the working directory).
   * @throws BlobStoreError `InvalidLocation` when it is missing (and `createIfNotExists` is off) or not a folder.
   */
  static async create(dir: string, options: CreateFolderBlobStoreOptions = {}): Promise<FolderBlobStore> {
    if (typeof dir !== "string" || dir.length === 0) {
      throw new BlobStoreError(`Invalid folder for a blob store: ${JSON.stringify(dir)}; expected a path`, "InvalidLocation");
    }
    const root = resolve(dir);
    if (options.createIfNotExists) await mkdir(root, { recursive: true }).catch(() => undefined);
    const s = await stat(root).catch((e: unknown) => {
      throw new BlobStoreError(
        `Blob store folder "${root}" does not exist (${errnoOf(e) ?? "unreadable"}); create it or pass createIfNotExists`,
        "InvalidLocation",
        { cause: e },
      );
    });
    if (!s.isDirectory()) throw new BlobStoreError(`Blob store location "${root}" is not a folder`, "InvalidLocation");
    logger.verbose("opened folder blob store", { location: root });
    return new FolderBlobStore(root);
  }

  async get(name: string, options: GetBlobOptions = {}): Promise<Uint8Array> {
    return this.call(name, options, async (path) => {
      const bytes = await readFile(path, { signal: options.abortSignal });
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    });
  }

  async getStream(name: string, options: GetBlobOptions = {}): Promise<Readable> {
    return this.call(name, options, async (path) => {
      const handle = await open(path, "r");
      if ((await handle.stat()).isDirectory()) {
        await handle.close();
        throw Object.assign(new Error(`EISDIR: ${path}`), { code: "ENOENT" });
      }
      return createReadStream("", { fd: handle, signal: options.abortSignal });
    });
  }

  async put(name: string, body: BlobBody, options: PutBlobOptions = {}): Promise<PutBlobResult> {
    const path = this.pathOf(name);
    throwIfAborted(options.abortSignal);
    const temp = join(dirname(path), `${TEMP_MARK}${randomUUID()}`);
    try {
      await mkdir(dirname(path), { recursive: true });
      const source = body instanceof Uint8Array ? Readable.from([body]) : body;
      await pipeline(source, createWriteStream(temp, { flags: "wx" }), { signal: options.abortSignal });
      return await withLock(path, async () => {
        throwIfAborted(options.abortSignal);
        const current = await stat(path, { bigint: true }).catch((e: unknown) => {
          if (errnoOf(e) === "ENOENT") return undefined;
          throw e;
        });
        if (current?.isDirectory()) {
          throw new BlobStoreError(`Cannot put blob "${name}": a folder of blobs has that name in ${this.root}`, "InvalidName");
        }
        leases.checkWrite(path, name, options.leaseId);
        if (options.ifNoneMatch === "*" && current) {
          throw new BlobStoreError(`Blob "${name}" already exists (put with ifNoneMatch "*")`, "PreconditionFailed");
        }
        if (options.ifMatch !== undefined && (!current || etagOf(current) !== options.ifMatch)) {
          throw new BlobStoreError(
            `Blob "${name}" ${current ? `has ETag ${etagOf(current)}` : "does not exist"}, not ${options.ifMatch} (put with ifMatch): another writer changed it`,
            "PreconditionFailed",
          );
        }
        await rename(temp, path);
        const written = await stat(path, { bigint: true });
        logger.verbose("put blob", { location: this.root, name, sizeInBytes: Number(written.size) });
        return { etag: etagOf(written) };
      });
    } catch (e) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw this.mapError(e, name, true);
    }
  }

  async *list(prefix = "", options: ListBlobsOptions = {}): AsyncGenerator<BlobItem> {
    validateBlobPrefix(prefix);
    throwIfAborted(options.abortSignal);
    const cut = prefix.lastIndexOf("/");
    const start = cut < 0 ? this.root : join(this.root, prefix.slice(0, cut));
    const items: BlobItem[] = [];
    const walk = async (dir: string): Promise<void> => {
      throwIfAborted(options.abortSignal);
      const entries = await readdir(dir, { withFileTypes: true }).catch((e: unknown) => {
        if (errnoOf(e) === "ENOENT" || errnoOf(e) === "ENOTDIR") return [];
        throw e;
      });
      for (const entry of entries) {
        if (entry.name.startsWith(TEMP_MARK)) continue;
        const full = join(dir, entry.name);
        const name = relative(this.root, full).split(sep).join("/");
        if (entry.isDirectory()) {
          if (name.startsWith(prefix) || prefix.startsWith(`${name}/`)) await walk(full);
        } else if (entry.isFile() && name.startsWith(prefix)) {
          const s = await stat(full, { bigint: true }).catch(() => undefined); // deleted meanwhile
          if (s) items.push({ name, sizeInBytes: Number(s.size), etag: etagOf(s), lastModified: new Date(Number(s.mtimeMs)) });
        }
      }
    };
    try {
      await walk(start);
    } catch (e) {
      throw this.mapError(e, prefix);
    }
    items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const item of items) {
      throwIfAborted(options.abortSignal);
      yield item;
    }
  }

  async exists(name: string, options: BlobExistsOptions = {}): Promise<boolean> {
    const path = this.pathOf(name);
    throwIfAborted(options.abortSignal);
    try {
      return (await stat(path)).isFile();
    } catch (e) {
      if (errnoOf(e) === "ENOENT" || errnoOf(e) === "ENOTDIR") return false;
      throw this.mapError(e, name);
    }
  }

  async delete(name: string, options: DeleteBlobOptions = {}): Promise<boolean> {
    return this.call(name, options, async (path) => {
      return withLock(path, async () => {
        if (!(await this.exists(name))) return false;
        await unlink(path);
        logger.verbose("deleted blob", { location: this.root, name });
        return true;
      });
    });
  }

  async getProperties(name: string, options: GetBlobPropertiesOptions = {}): Promise<BlobProperties> {
    return this.call(name, options, async (path) => {
      const s = await stat(path, { bigint: true });
      if (!s.isFile()) throw Object.assign(new Error(`not a file: ${path}`), { code: "ENOENT" });
      return { leased: leases.isLive(path), etag: etagOf(s), sizeInBytes: Number(s.size), lastModified: new Date(Number(s.mtimeMs)) };
    });
  }

  async acquireLease(name: string, options: AcquireBlobLeaseOptions): Promise<BlobLease> {
    const path = this.pathOf(name);
    throwIfAborted(options.abortSignal);
    if (!(await this.exists(name))) await this.put(name, new Uint8Array(0), { ifNoneMatch: "*" }).catch(() => undefined);
    return leases.acquire(path, name, options.durationInSeconds);
  }

  async breakLease(name: string, options: BreakBlobLeaseOptions = {}): Promise<void> {
    const path = this.pathOf(name);
    throwIfAborted(options.abortSignal);
    if (options.ifMatch !== undefined && (await this.getProperties(name)).etag !== options.ifMatch) {
      throw new BlobStoreError(`Blob "${name}" changed since ETag ${options.ifMatch}: its lease was not broken`, "PreconditionFailed");
    }
    leases.break(path);
  }

  private pathOf(name: string): string {
    return join(this.root, ...validateBlobName(name).split("/"));
  }

  /**
   * One operation on the file of blob `name`: refused when `options.abortSignal` has already fired, and
   * whatever it throws mapped to a BlobStoreError naming the blob.
   */
  private async call<T>(name: string, options: OperationOptions, work: (path: string) => Promise<T>): Promise<T> {
    const path = this.pathOf(name);
    throwIfAborted(options.abortSignal);
    try {
      return await work(path);
    } catch (e) {
      throw this.mapError(e, name);
    }
  }

  private mapError(e: unknown, name: string, writing = false): Error {
    if (isAbortError(e) || e instanceof BlobStoreError) return e;
    const code = errnoOf(e);
    switch (code) {
      case "ENOENT":
      case "EISDIR":
        return new BlobStoreError(`Blob "${name}" not found in ${this.root}`, "BlobNotFound", { cause: e });
      case "ENOTDIR":
      case "EEXIST":
        if (!writing) return new BlobStoreError(`Blob "${name}" not found in ${this.root}`, "BlobNotFound", { cause: e });
        return new BlobStoreError(`Blob "${name}" clashes with another blob used as a folder in ${this.root}`, "InvalidName", { cause: e });
      case "EACCES":
      case "EPERM":
        return new BlobStoreError(`Permission denied for blob "${name}" in ${this.root} (${code})`, "AuthenticationFailed", { cause: e });
      default:
        return new BlobStoreError(`Blob store ${this.root} failed on "${name}": ${e instanceof Error ? e.message : String(e)}`, "RequestFailed", {
          cause: e,
        });
    }
  }
}
