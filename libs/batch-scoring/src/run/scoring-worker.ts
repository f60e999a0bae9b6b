/**
 * Worker-thread entry: one ChunkScorer per thread. Requests are handled one at a time, in order, so
 * memory per worker is one chunk and its output.
 */
import { parentPort } from "node:worker_threads";
import { ChunkScorer } from "./chunk-scorer.js";
import type { WorkerRequest, WorkerResponse } from "./chunk-protocol.js";

const port = parentPort;
if (!port) throw new Error("scoring-worker.js must run in a worker thread");

let scorer: ChunkScorer | undefined;
let queue: Promise<void> = Promise.resolve();

const post = (message: WorkerResponse, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

port.on("message", (request: WorkerRequest) => {
  queue = queue.then(async () => {
    try {
      if (request.type === "init") {
        scorer = await ChunkScorer.create(request.init);
        post({ type: "ready" });
        return;
      }
      if (request.type === "close") {
        await scorer?.close();
        post({ type: "closed" });
        return;
      }
      if (!scorer) throw new Error(`${request.type} received before init`);
      if (request.type === "finish") {
        post({ type: "finished", failures: scorer.finish() });
        return;
      }
      const result = await scorer.score(request.chunk);
      post({ type: "result", result }, [result.output.buffer as ArrayBuffer]);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      post({ type: "error", ...(request.type === "chunk" && { seq: request.chunk.seq }), message: err.message, ...(err.stack && { stack: err.stack }) });
    }
  });
});
