import { describe, expect, it } from "vitest";
import { openRunStore, parseSchedulerConfig, Scheduler, type RunStore, type ShardExecutor, type ShardJob, type ShardOutcome } from "./index.js";
import { ManualClock } from "./test-fixtures/manual-clock.js";

/** An executor whose shards finish when the test says so: the policies under test are the scheduler's, not the scorer's. */
class HeldExecutor implements ShardExecutor {
  readonly kind = "held";
  readonly started: ShardJob[] = [];
  private readonly release = new Map<string, (o: ShardOutcome) => void>();
  private startWaiters: { n: number; resolve: () => void }[] = [];

  runShard(job: ShardJob): Promise<ShardOutcome> {
    this.started.push(job);
    for (const w of this.startWaiters.filter((w) => this.started.length >= w.n)) w.resolve();
    return new Promise((resolve) => this.release.set(job.runId, resolve));
  }
  finalize(): Promise<ShardOutcome> {
    return Promise.resolve({ exitCode: 0, timedOut: false });
  }
  whenStarted(n: number): Promise<void> {
    return this.started.length >= n ? Promise.resolve() : new Promise((resolve) => this.startWaiters.push({ n, resolve }));
  }
  finish(runId: string): void {
    this.release.get(runId)!({ exitCode: 0, timedOut: false });
  }
}

const config = (overlap: string, catchUp = "none", extra = "") =>
  parseSchedulerConfig(
    `maxConcurrentShards: 4
pipelines:
  - name: p
    models: m
    data: { source: d.csv }
    output: /nonexistent-output
    overlap: ${overlap}
    catchUp: { policy: ${catchUp}, maxRuns: 2 }
    trigger: { type: recurrence, frequency: hour, interval: 1${extra} }`,
    "test.yaml",
  );

async function waitForStatus(store: RunStore, runId: string, status: string): Promise<void> {
  // The scheduler writes the store as it goes; poll it rather than sleep a fixed time.
  while ((await store.getRun(runId))?.status !== status) await new Promise((r) => setTimeout(r, 10));
}

/** A scheduler on an in-memory store, a manual clock at `startAt` and a held executor. */
async function startScheduler(schedulerConfig: ReturnType<typeof config>, startAt: string, seed?: (store: RunStore) => Promise<void>) {
  const store = await openRunStore("sqlite::memory:");
  await seed?.(store);
  const clock = new ManualClock(Date.parse(startAt));
  const executor = new HeldExecutor();
  const abort = new AbortController();
  const daemon = new Scheduler(schedulerConfig, { store, executorFor: () => executor, clock }).start({ abortSignal: abort.signal });
  /** Stops the scheduler and closes the store; returns the run ids the executor was given, in order. */
  const stop = async (): Promise<string[]> => {
    abort.abort();
    await daemon;
    await store.close();
    return executor.started.map((j) => j.runId);
  };
  return { store, clock, executor, stop };
}

/** Started at 00:30 with `overlap`: the 01:00 run starts and is held; then the clock reaches 02:00. */
async function secondRunDueWhileFirstGoes(overlap: string) {
  const scheduler = await startScheduler(config(overlap), "2026-01-01T00:30:00Z");
  const { clock, executor } = scheduler;
  await clock.whenSleeping();
  clock.advanceTo("2026-01-01T01:00:00Z");
  await executor.whenStarted(1);
  await clock.whenSleeping();
  clock.advanceTo("2026-01-01T02:00:00Z");
  return scheduler;
}

describe("overlap", () => {
  it("skip: a time due while the previous run is going is recorded as skipped and not run", async () => {
    const { store, executor, stop } = await secondRunDueWhileFirstGoes("skip");
    await waitForStatus(store, "p-20260101T0200Z", "skipped");
    executor.finish("p-20260101T0100Z");
    await waitForStatus(store, "p-20260101T0100Z", "succeeded");
    expect(await stop()).toEqual(["p-20260101T0100Z"]);
  });

  it("queue: it runs after the previous one finishes", async () => {
    const { store, executor, stop } = await secondRunDueWhileFirstGoes("queue");
    await waitForStatus(store, "p-20260101T0200Z", "queued");
    expect(executor.started).toHaveLength(1);
    executor.finish("p-20260101T0100Z");
    await executor.whenStarted(2);
    executor.finish("p-20260101T0200Z");
    await waitForStatus(store, "p-20260101T0200Z", "succeeded");
    expect(await stop()).toEqual(["p-20260101T0100Z", "p-20260101T0200Z"]);
  });
});

describe("catch-up after downtime", () => {
  async function afterDowntime(policy: string): Promise<string[]> {
    // The last run before the downtime was at 01:00; the scheduler comes back at 05:30.
    const { store, clock, executor, stop } = await startScheduler(config("queue", policy), "2026-01-01T05:30:00Z", async (store) => {
      await store.createRun({ runId: "p-20260101T0100Z", pipeline: "p", scheduledAt: new Date("2026-01-01T01:00:00Z"), shardCount: 1, output: "o" });
      await store.updateRun("p-20260101T0100Z", { status: "succeeded" });
    });
    // Catch-up plans its runs before the scheduler first sleeps.
    await clock.whenSleeping();
    const planned = (await store.listRuns({ statuses: ["queued", "running"] })).length;
    for (let i = 0; i < planned; i++) {
      await executor.whenStarted(i + 1);
      executor.finish(executor.started[i]!.runId);
    }
    return stop();
  }

  it("none runs nothing missed, latest the most recent, all the missed ones up to maxRuns", async () => {
    expect(await afterDowntime("none")).toEqual([]);
    expect(await afterDowntime("latest")).toEqual(["p-20260101T0500Z"]);
    expect(await afterDowntime("all")).toEqual(["p-20260101T0400Z", "p-20260101T0500Z"]);
  });

  it("a first start catches up from the trigger's startTime", async () => {
    const { store, executor, stop } = await startScheduler(config("skip", "latest", ", startTime: '2026-01-01T00:00:00Z'"), "2026-01-01T03:10:00Z");
    await executor.whenStarted(1);
    executor.finish("p-20260101T0300Z");
    await waitForStatus(store, "p-20260101T0300Z", "succeeded");
    expect(await stop()).toEqual(["p-20260101T0300Z"]);
  });
});
