/** Worker-thread entry: fits the jobs it is sent, one at a time, and answers each with its outcome. */
import { parentPort } from "node:worker_threads";
import { runTrainingJob, type TrainingJob } from "./training-protocol.js";

const port = parentPort;
if (!port) throw new Error("training-worker.js must run in a worker thread");

port.on("message", (job: TrainingJob) => {
  try {
    port.postMessage(runTrainingJob(job));
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({ id: job.id, crash: err.stack ?? err.message });
  }
});
