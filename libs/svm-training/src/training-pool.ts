import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { runTrainingJob, type TrainingJob, type TrainingOutcome } from "./training-protocol.js";

/** Fits jobs on `workers` threads (0: on the calling thread), one job per thread at a time. */
export interface TrainingPool {
  fit(job: TrainingJob): Promise<TrainingOutcome>;
  close(): Promise<void>;
}

export function startTrainingPool(workers: number): TrainingPool {
  if (workers === 0) return { fit: async (job) => runTrainingJob(job), close: async () => undefined };
  const url = trainingWorkerUrl();
  // Not the parent's resolution conditions: under vitest they point packages at .ts sources a plain worker cannot load.
  const execArgv = process.execArgv.filter((a, i, all) => !a.startsWith("--conditions") && !a.startsWith("-C") && all[i - 1] !== "--conditions" && all[i - 1] !== "-C");
  const idle: Worker[] = [];
  const waiting: ((w: Worker) => void)[] = [];
  const all = Array.from({ length: workers }, () => new Worker(url, { execArgv }));
  idle.push(...all);
  const acquire = (): Promise<Worker> => (idle.length > 0 ? Promise.resolve(idle.pop()!) : new Promise((resolve) => waiting.push(resolve)));
  const release = (w: Worker): void => {
    const next = waiting.shift();
    if (next) next(w);
    else idle.push(w);
  };
  return {
    async fit(job) {
      const worker = await acquire();
      try {
        return await new Promise<TrainingOutcome>((resolve, reject) => {
          const onError = (e: Error): void => reject(new Error(`training worker crashed: ${e.message}`, { cause: e }));
          worker.once("error", onError);
          worker.once("message", (m: TrainingOutcome | { id: number; crash: string }) => {
            worker.off("error", onError);
            if ("crash" in m) reject(new Error(`training worker failed on a model: ${m.crash}`));
            else resolve(m);
          });
          worker.postMessage(job);
        });
      } finally {
        release(worker);
      }
    },
    async close() {
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}

/** The built worker next to this module (from sources under vitest, the `dist/` copy: build svm-training first). */
function trainingWorkerUrl(): URL {
  const here = import.meta.url;
  const url = here.endsWith(".ts") ? new URL("../dist/training-worker.js", here) : new URL("./training-worker.js", here);
  if (!existsSync(fileURLToPath(url))) throw new Error(`Worker script ${fileURLToPath(url)} is missing: build @fleetscore/svm-training first (npx nx run svm-training:build)`);
  return url;
}
