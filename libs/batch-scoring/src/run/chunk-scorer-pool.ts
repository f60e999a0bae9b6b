import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { chunkTransferList, type ChunkResult, type ChunkScorerInit, type ModelAffinity, type ModelFailure, type ScoringChunk, type WorkerResponse } from "./chunk-protocol.js";
import { ChunkScorer } from "./chunk-scorer.js";

/** One place chunks can be scored: a worker thread, or the calling thread. */
export interface ChunkScorerHandle {
  /** Chunks sent and not yet answered. */
  readonly inFlight: number;
  score(chunk: ScoringChunk): Promise<ChunkResult>;
  /** After the last chunk: the scorer's own files (model affinity) are written and closed. @returns their write failures. */
  finish(): Promise<readonly ModelFailure[]>;
  close(): Promise<void>;
}

/** The files the scorers write themselves (model affinity), by model index; without, the results carry the lines. */
export type ScorerFiles = Pick<ModelAffinity, "partialPaths" | "header">;

/**
 * `workers` worker threads, each with its own ChunkScorer, or (`workers` = 0) one scorer on the calling
 * thread, for debugging and for environments without worker threads. With `files` (and workers), one handle
 * that sends every chunk to every worker, each worker owning a share of the models and writing their files
 * (see ModelAffinity): the calling thread only reads and routes bytes, and each model is loaded once.
 */
export async function startChunkScorers(init: ChunkScorerInit, workers: number, files?: ScorerFiles): Promise<ChunkScorerHandle[]> {
  if (workers === 0) return [new InProcessScorer(await ChunkScorer.create(init))];
  const url = scoringWorkerUrl();
  const handles = Array.from({ length: workers }, () => new WorkerScorer(url));
  try {
    await Promise.all(handles.map((h, index) => h.init(files ? { ...init, affinity: { ...files, index, count: workers } } : init)));
  } catch (e) {
    await Promise.all(handles.map((h) => h.close()));
    throw e;
  }
  return files ? [new BroadcastScorer(handles)] : handles;
}

/**
 * Every chunk to every worker (copied to all but the last, which gets it transferred); one result per chunk:
 * the first worker's counts of lines, rows, malformed and unmodelled rows (each worker counts them all),
 * and every worker's fragments, loads and failures (each its own models').
 */
class BroadcastScorer implements ChunkScorerHandle {
  readonly #workers: readonly WorkerScorer[];

  constructor(workers: readonly WorkerScorer[]) {
    this.#workers = workers;
  }

  get inFlight(): number {
    return Math.max(...this.#workers.map((w) => w.inFlight));
  }

  async score(chunk: ScoringChunk): Promise<ChunkResult> {
    const last = this.#workers.length - 1;
    const results = await Promise.all(this.#workers.map((w, i) => w.score(chunk, i === last)));
    const first = results[0]!;
    if (results.length === 1) return first;
    return {
      ...first,
      fragments: Int32Array.from(results.flatMap((r) => [...r.fragments])),
      anomalies: Int32Array.from(results.flatMap((r) => [...r.anomalies])),
      loaded: results.flatMap((r) => r.loaded),
      failures: results.flatMap((r) => r.failures),
    };
  }

  async finish(): Promise<readonly ModelFailure[]> {
    return (await Promise.all(this.#workers.map((w) => w.finish()))).flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.close()));
  }
}

/**
 * The worker script next to this module. From sources (vitest runs `.ts`), Node cannot start a `.ts`
 * worker, so the built `dist/` copy is used: run `nx build batch-scoring` first.
 */
function scoringWorkerUrl(): URL {
  const here = import.meta.url;
  const url = here.endsWith(".ts") ? new URL("../../dist/run/scoring-worker.js", here) : new URL("./scoring-worker.js", here);
  if (!existsSync(fileURLToPath(url))) {
    throw new Error(`Worker script ${fileURLToPath(url)} is missing: build @fleetscore/batch-scoring first (npx nx run batch-scoring:build)`);
  }
  return url;
}

class InProcessScorer implements ChunkScorerHandle {
  inFlight = 0;
  readonly #scorer: ChunkScorer;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(scorer: ChunkScorer) {
    this.#scorer = scorer;
  }

  score(chunk: ScoringChunk): Promise<ChunkResult> {
    this.inFlight++;
    const result = this.#queue.then(() => this.#scorer.score(chunk));
    this.#queue = result.catch(() => undefined);
    return result.finally(() => this.inFlight--);
  }

  async finish(): Promise<readonly ModelFailure[]> {
    await this.#queue;
    return this.#scorer.finish();
  }

  close(): Promise<void> {
    return this.#scorer.close();
  }
}

/** How long close() waits for a worker to close its files before terminating it anyway. */
const CLOSE_WAIT_MS = 10_000;

class WorkerScorer implements ChunkScorerHandle {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (r: ChunkResult) => void; reject: (e: Error) => void }>();
  #ready: { resolve: () => void; reject: (e: Error) => void } | undefined;
  #finished: { resolve: (f: readonly ModelFailure[]) => void; reject: (e: Error) => void } | undefined;
  #failure: Error | undefined;

  constructor(url: URL) {
    // Not the parent's resolution conditions: under vitest they point packages at their .ts sources,
    // which a plain Node worker cannot load (the worker runs the built .js).
    const execArgv = process.execArgv.filter((a, i, all) => !a.startsWith("--conditions") && !a.startsWith("-C") && all[i - 1] !== "--conditions" && all[i - 1] !== "-C");
    this.#worker = new Worker(url, { execArgv });
    this.#worker.on("message", (m: WorkerResponse) => this.#onMessage(m));
    this.#worker.on("error", (e) => this.#fail(new Error(`scoring worker crashed: ${e.message}`, { cause: e })));
    this.#worker.on("exit", (code) => {
      if (this.#pending.size > 0 || this.#ready || this.#finished) this.#fail(new Error(`scoring worker exited with code ${code} while it had work`));
    });
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  init(init: ChunkScorerInit): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#ready = { resolve, reject };
      this.#worker.postMessage({ type: "init", init });
    });
  }

  /** @param transfer false: the chunk is copied (it goes to other workers too). */
  score(chunk: ScoringChunk, transfer = true): Promise<ChunkResult> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#pending.set(chunk.seq, { resolve, reject });
      // Transfer, not copy, when the chunk is not used again on this side.
      this.#worker.postMessage({ type: "chunk", chunk }, transfer ? chunkTransferList(chunk) : []);
    });
  }

  finish(): Promise<readonly ModelFailure[]> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#finished = { resolve, reject };
      this.#worker.postMessage({ type: "finish" });
    });
  }

  async close(): Promise<void> {
    // Terminating closes no file descriptor: the worker closes its files first (written or not).
    if (!this.#failure) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_WAIT_MS);
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        this.#worker.once("message", done);
        this.#worker.once("exit", done);
        this.#worker.postMessage({ type: "close" });
      });
    }
    await this.#worker.terminate();
  }

  #onMessage(m: WorkerResponse): void {
    if (m.type === "ready") {
      this.#ready?.resolve();
      this.#ready = undefined;
    } else if (m.type === "finished") {
      this.#finished?.resolve(m.failures);
      this.#finished = undefined;
    } else if (m.type === "closed") {
      // close() waits for it.
    } else if (m.type === "result") {
      const p = this.#pending.get(m.result.seq);
      this.#pending.delete(m.result.seq);
      p?.resolve(m.result);
    } else {
      const error = new Error(m.message);
      if (m.stack) error.stack = m.stack;
      if (m.seq === undefined) this.#fail(error);
      else {
        const p = this.#pending.get(m.seq);
        this.#pending.delete(m.seq);
        p?.reject(error);
      }
    }
  }

  #fail(e: Error): void {
    this.#failure ??= e;
    this.#ready?.reject(e);
    this.#ready = undefined;
    this.#finished?.reject(e);
    this.#finished = undefined;
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
  }
}
