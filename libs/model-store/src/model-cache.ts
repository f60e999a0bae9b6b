import { randomBytes } from "node:crypto";
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { logger } from "./log.js";
import { sha256Hex } from "./sha256.js";

export interface CreateModelCacheOptions {
  /** Evict least recently used files beyond this total. Default 1 GiB. */
  readonly maxSizeInBytes?: number;
}

/** What a cache did since it was created. */
export interface ModelCacheStats {
  hits: number;
  misses: number;
  evictions: number;
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * A local folder of artifacts keyed by their sha256 (`<dir>/<aa>/<sha256>`), size-bounded: least recently
 * used files (by mtime, refreshed on every hit) are evicted past `maxSizeInBytes`. Writes are atomic (temp
 * file + rename) and every read is re-verified by hash, so a damaged file is a miss, never a wrong model.
 * Several processes may share one folder; the size bound is kept per process.
 */
export class ModelCache {
  readonly dir: string;
  readonly maxSizeInBytes: number;
  readonly stats: ModelCacheStats = { hits: 0, misses: 0, evictions: 0 };
  /** sha256 -> [size, last use in ms] of the files this process knows about. */
  readonly #entries = new Map<string, { size: number; usedAt: number }>();
  #size = 0;

  private constructor(dir: string, maxSizeInBytes: number) {
    this.dir = dir;
    this.maxSizeInBytes = maxSizeInBytes;
  }

  /** Opens (creating it when missing) the cache folder and indexes what it holds. */
  static async create(dir: string, options: CreateModelCacheOptions = {}): Promise<ModelCache> {
    const max = options.maxSizeInBytes ?? 1024 ** 3;
    if (!Number.isFinite(max) || max < 0) throw new RangeError(`maxSizeInBytes must be a number >= 0, got ${max}`);
    const cache = new ModelCache(resolve(dir), max);
    await mkdir(cache.dir, { recursive: true });
    for (const shard of await readdir(cache.dir)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      for (const name of await readdir(join(cache.dir, shard)).catch(() => [] as string[])) {
        if (!SHA256.test(name)) continue;
        const s = await stat(join(cache.dir, shard, name)).catch(() => undefined);
        if (s?.isFile()) cache.#track(name, s.size, s.mtimeMs);
      }
    }
    await cache.#evict();
    return cache;
  }

  /** Bytes currently held, as far as this process knows. */
  get sizeInBytes(): number {
    return this.#size;
  }

  #path(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  #track(sha256: string, size: number, usedAt: number): void {
    const old = this.#entries.get(sha256);
    if (old) this.#size -= old.size;
    this.#entries.set(sha256, { size, usedAt });
    this.#size += size;
  }

  /** The bytes with this sha256, or undefined (a miss) when absent or damaged. */
  async get(sha256: string): Promise<Uint8Array | undefined> {
    if (!SHA256.test(sha256)) throw new TypeError(`Not a sha256: "${sha256}"`);
    const path = this.#path(sha256);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch {
      this.#forget(sha256);
      this.stats.misses++;
      return undefined;
    }
    if (sha256Hex(bytes) !== sha256) {
      logger.warning(`cached file ${path} does not match its sha256; discarding it`);
      await rm(path, { force: true });
      this.#forget(sha256);
      this.stats.misses++;
      return undefined;
    }
    const now = Date.now();
    await utimes(path, now / 1000, now / 1000).catch(() => undefined);
    this.#track(sha256, bytes.byteLength, now);
    this.stats.hits++;
    return bytes;
  }

  /** Stores bytes under their sha256 (which the caller has verified), then evicts past the bound. */
  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    if (!SHA256.test(sha256)) throw new TypeError(`Not a sha256: "${sha256}"`);
    if (bytes.byteLength > this.maxSizeInBytes) return;
    const path = this.#path(sha256);
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await mkdir(join(this.dir, sha256.slice(0, 2)), { recursive: true });
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      logger.warning(`cannot write ${path} to the model cache: ${(e as Error).message}`);
      return;
    }
    this.#track(sha256, bytes.byteLength, Date.now());
    await this.#evict();
  }

  #forget(sha256: string): void {
    const old = this.#entries.get(sha256);
    if (old) this.#size -= old.size;
    this.#entries.delete(sha256);
  }

  async #evict(): Promise<void> {
    if (this.#size <= this.maxSizeInBytes) return;
    const oldestFirst = [...this.#entries.entries()].sort(([, a], [, b]) => a.usedAt - b.usedAt);
    for (const [sha256] of oldestFirst) {
      if (this.#size <= this.maxSizeInBytes) break;
      await rm(this.#path(sha256), { force: true });
      this.#forget(sha256);
      this.stats.evictions++;
      logger.verbose(`evicted ${sha256} from the model cache`);
    }
  }
}
