import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { chunkTransferList, type ChunkResult, type ChunkScorerInit, type ScoringChunk, type WorkerResponse } from "./chunk-protocol.js";
import { ChunkScorer } from "./chunk-scorer.js";

/** One place chunks can be scored: a worker thread, or the calling thread. */
export interface ChunkScorerHandle {
  /** Chunks sent and not yet answered. */
  readonly inFlight: number;
  score(chunk: ScoringChunk): Promise<ChunkResult>;
  close(): Promise<void>;
}

/**
 * `workers` worker threads, each with its own ChunkScorer, or (`workers` = 0) one scorer on the calling
 * thread, for debugging and for environments without worker threads.
 */
export async function startChunkScorers(init: ChunkScorerInit, workers: number): Promise<ChunkScorerHandle[]> {
  if (workers === 0) return [new InProcessScorer(await ChunkScorer.create(init))];
  const url = scoringWorkerUrl();
  const handles = Array.from({ length: workers }, () => new WorkerScorer(url));
  try {
    await Promise.all(handles.map((h) => h.init(init)));
  } catch (e) {
    await Promise.all(handles.map((h) => h.close()));
    throw e;
  }
  return handles;
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

  close(): Promise<void> {
    return this.#scorer.close();
  }
}

class WorkerScorer implements ChunkScorerHandle {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (r: ChunkResult) => void; reject: (e: Error) => void }>();
  #ready: { resolve: () => void; reject: (e: Error) => void } | undefined;
  #failure: Error | undefined;

  constructor(url: URL) {
    // Not the parent's resolution conditions: under vitest they point packages at their .ts sources,
    // which a plain Node worker cannot load (the worker runs the built .js).
    const execArgv = process.execArgv.filter((a, i, all) => !a.startsWith("--conditions") && !a.startsWith("-C") && all[i - 1] !== "--conditions" && all[i - 1] !== "-C");
    this.#worker = new Worker(url, { execArgv });
    this.#worker.on("message", (m: WorkerResponse) => this.#onMessage(m));
    this.#worker.on("error", (e) => this.#fail(new Error(`scoring worker crashed: ${e.message}`, { cause: e })));
    this.#worker.on("exit", (code) => {
      if (this.#pending.size > 0 || this.#ready) this.#fail(new Error(`scoring worker exited with code ${code} while it had work`));
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

  score(chunk: ScoringChunk): Promise<ChunkResult> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#pending.set(chunk.seq, { resolve, reject });
      // Transfer, not copy: the chunk is not used again on this side.
      this.#worker.postMessage({ type: "chunk", chunk }, chunkTransferList(chunk));
    });
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }

  #onMessage(m: WorkerResponse): void {
    if (m.type === "ready") {
      this.#ready?.resolve();
      this.#ready = undefined;
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
    for (const p of this.#pending.values()) p.reject(e);
    this.#pending.clear();
  }
}
