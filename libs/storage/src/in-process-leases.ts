import { randomUUID } from "node:crypto";
import type { BlobLease } from "./blob-store.js";
import { BlobStoreError } from "./blob-store-error.js";

interface Held {
  readonly leaseId: string;
  expiresAtMs: number;
  readonly durationMs: number;
}

/**
 * Azure's Lease Blob semantics for FolderBlobStore, kept in memory: like the store's conditional puts, a
 * lease holds between callers in this process only (not between processes sharing the folder; a run
 * folder written by several processes is locked by FolderRunOutput's lease files instead).
 */
export class InProcessLeases {
  readonly #held = new Map<string, Held>();

  constructor(private readonly now: () => number = Date.now) {}

  acquire(key: string, name: string, durationInSeconds: number): BlobLease {
    checkDuration(durationInSeconds);
    if (this.#live(key)) throw new BlobStoreError(`Blob "${name}" is leased by another holder`, "LeaseAlreadyPresent");
    const held: Held = { leaseId: randomUUID(), durationMs: durationInSeconds * 1000, expiresAtMs: 0 };
    held.expiresAtMs = this.now() + held.durationMs;
    this.#held.set(key, held);
    return {
      name,
      leaseId: held.leaseId,
      renew: async () => {
        const current = this.#held.get(key);
        // As on Azure, an expired lease can be renewed as long as nobody else took it meanwhile.
        if (current !== held) throw new BlobStoreError(`The lease on blob "${name}" was lost (expired and taken, or broken)`, "LeaseLost");
        held.expiresAtMs = this.now() + held.durationMs;
      },
      release: async () => {
        if (this.#held.get(key) === held) this.#held.delete(key);
      },
    };
  }

  isLive(key: string): boolean {
    return this.#live(key) !== undefined;
  }

  break(key: string): void {
    this.#held.delete(key);
  }

  /** @throws BlobStoreError when a live lease exists on `key` and `leaseId` is not its id. */
  checkWrite(key: string, name: string, leaseId: string | undefined): void {
    const live = this.#live(key);
    if (leaseId !== undefined && live?.leaseId !== leaseId) {
      throw new BlobStoreError(`Cannot write blob "${name}": the lease given is no longer held`, "LeaseLost");
    }
    if (leaseId === undefined && live) throw new BlobStoreError(`Cannot write blob "${name}": it is leased by another holder`, "LeaseAlreadyPresent");
  }

  #live(key: string): Held | undefined {
    const held = this.#held.get(key);
    if (held && held.expiresAtMs <= this.now()) {
      this.#held.delete(key);
      return undefined;
    }
    return held;
  }
}

export function checkDuration(durationInSeconds: number): void {
  if (!Number.isInteger(durationInSeconds) || durationInSeconds < 15 || durationInSeconds > 60) {
    throw new BlobStoreError(`A blob lease lasts 15 to 60 whole seconds, not ${durationInSeconds}`, "RequestFailed");
  }
}
