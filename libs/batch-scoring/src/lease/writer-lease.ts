import type { OperationOptions } from "@fleetscore/contracts";
import { BatchScoringError } from "../batch-scoring-error.js";
import type { ShardSpec } from "../run/shard-plan.js";
import { describeHolder, type LeaseHolder } from "./lease-holder.js";

/**
 * The one writer of a run (or of one shard of it): taken before any file of the run is touched and
 * released at the end (`await using`). While held it is refreshed in the background; if a refresh finds
 * it lost (this process stalled past its stale limit and another writer took over), the run output refuses
 * every further write with `RunLeased`.
 */
export interface WriterLease extends AsyncDisposable {
  readonly holder: LeaseHolder;
  /** Where the lease is (file path or blob URL). */
  readonly location: string;
  /** @throws BatchScoringError `RunLeased` once the lease was found lost. */
  throwIfLost(): void;
  release(): Promise<void>;
}

export interface WriterLeaseOptions extends OperationOptions {
  /**
   * A folder lease whose heartbeat is older than this may be taken over (its holder promised to refresh
   * it three times as often). Default 30 s. A Blob lease lasts 60 s and is renewed every 20 s.
   */
  readonly staleAfterMs?: number;
}

export const DEFAULT_STALE_AFTER_MS = 30_000;

/** `_lease.json`, or `_lease-shard-<i>-of-<n>.json` for a shard (each shard has its own writer). */
export function leaseBaseName(shard: ShardSpec | undefined): string {
  return shard && shard.count > 1 ? `_lease-shard-${shard.index}-of-${shard.count}` : "_lease";
}

/**
 * Whether a writer of the lease `base` would write models of `shard` too: a run unsharded and sharded, or
 * split by two counts, overlap (shards of one count never do).
 */
export function overlapsShard(base: string, shard: ShardSpec | undefined): boolean {
  const count = Number(/^_lease-shard-\d+-of-(\d+)$/.exec(base)?.[1] ?? 1);
  return count !== (shard?.count ?? 1);
}

export function describeShard(runId: string, shard: ShardSpec | undefined): string {
  return shard && shard.count > 1 ? `run ${runId} shard ${shard.index}/${shard.count}` : `run ${runId}`;
}

export function runLeasedError(what: string, holder: LeaseHolder | undefined, location: string, hint: string): BatchScoringError {
  const by = holder ? `another scorer (${describeHolder(holder)})` : "another scorer (just starting)";
  return new BatchScoringError(`${what} is being written by ${by}: lease ${location}; ${hint}`, "RunLeased");
}

/** The lost-lease check and the refresh timer every WriterLease shares. */
export class LeaseKeeper {
  #lost: BatchScoringError | undefined;
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> = Promise.resolve();

  constructor(
    private readonly describeLoss: () => BatchScoringError,
    refresh: () => Promise<"held" | "lost">,
    everyMs: number,
  ) {
    this.#timer = setInterval(() => {
      this.#refreshing = this.#refreshing
        .then(refresh)
        .then((state) => {
          if (state === "lost") this.markLost();
        })
        .catch(() => undefined); // a failed refresh (storage hiccup) is tried again next time; a lost lease says so
    }, everyMs);
    this.#timer.unref();
  }

  markLost(): void {
    this.#lost ??= this.describeLoss();
  }

  throwIfLost(): void {
    if (this.#lost) throw this.#lost;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#refreshing;
  }
}
