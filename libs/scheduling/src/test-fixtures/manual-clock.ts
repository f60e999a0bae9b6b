import type { Clock } from "../index.js";

/** A clock the test moves: sleepers wake when `advanceTo` passes their time. */
export class ManualClock implements Clock {
  private sleepers: { until: number; wake: () => void }[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];
  constructor(private time: number) {}

  now(): Date {
    return new Date(this.time);
  }

  sleepUntil(until: Date, abortSignal?: AbortSignal): Promise<void> {
    if (until.getTime() <= this.time) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const sleeper = { until: until.getTime(), wake: resolve };
      this.sleepers.push(sleeper);
      abortSignal?.addEventListener("abort", () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(abortSignal.reason);
      });
      this.notify();
    });
  }

  /** Resolves once at least `count` callers are asleep (the scheduler is waiting for its next time). */
  whenSleeping(count = 1): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push({ count, resolve });
      this.notify();
    });
  }

  advanceTo(iso: string): void {
    this.time = new Date(iso).getTime();
    const due = this.sleepers.filter((s) => s.until <= this.time);
    this.sleepers = this.sleepers.filter((s) => s.until > this.time);
    for (const s of due) s.wake();
  }

  private notify(): void {
    const ready = this.waiters.filter((w) => this.sleepers.length >= w.count);
    this.waiters = this.waiters.filter((w) => this.sleepers.length < w.count);
    for (const w of ready) w.resolve();
  }
}
