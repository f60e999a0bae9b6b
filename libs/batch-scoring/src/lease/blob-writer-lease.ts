import { isBlobStoreError, type BlobLease, type BlobStore } from "@fleetscore/storage";
import { BatchScoringError } from "../batch-scoring-error.js";
import { LeaseHolder, describeHolder, holderIsGone, thisProcessAsHolder } from "./lease-holder.js";
import { LeaseKeeper, runLeasedError, type WriterLease } from "./writer-lease.js";

/** Azure's longest finite lease; renewed every third of it. A killed holder's lease ends by itself after this. */
const LEASE_SECONDS = 60;
const MAX_ATTEMPTS = 5;

/**
 * Takes the writer lease of a run in a BlobStore: a blob lease on `<name>` (an Azure Lease Blob, 60 s,
 * renewed every 20 s), whose content names the holder while it holds it (emptied, then deleted, on release). A
 * lease whose holder ran on this host and has exited (kill -9) is broken at once, conditionally on the
 * holder read (`ifMatch`), so two writers breaking it cannot both win; any other holder's lease ends by
 * itself 60 s after its last renewal.
 * @throws BatchScoringError `RunLeased` naming the holder, `OutputFailed`.
 */
export async function acquireBlobLease(store: BlobStore, name: string, location: string, what: string): Promise<WriterLease> {
  const holder = thisProcessAsHolder(LEASE_SECONDS * 1000, new Date());
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let lease: BlobLease;
    try {
      lease = await store.acquireLease(name, { durationInSeconds: LEASE_SECONDS });
    } catch (e) {
      if (isBlobStoreError(e) && e.code === "BlobNotFound") continue; // deleted by its last holder meanwhile
      if (!isBlobStoreError(e) || e.code !== "LeaseAlreadyPresent") throw outputFailed(location, e);
      const { etag } = await store.getProperties(name).catch((x: unknown) => {
        throw outputFailed(location, x);
      });
      const current = await readHolder(store, name);
      if (!current || !holderIsGone(current)) {
        throw runLeasedError(what, current, location, `wait for it to finish, or stop it; a scorer that is gone loses the lease ${LEASE_SECONDS} s after its last renewal`);
      }
      await store.breakLease(name, { ifMatch: etag }).catch((x: unknown) => {
        if (!isBlobStoreError(x) || x.code !== "PreconditionFailed") throw outputFailed(location, x);
      });
      continue;
    }
    try {
      await store.put(name, Buffer.from(JSON.stringify(holder, null, 2) + "\n"), { leaseId: lease.leaseId });
    } catch (e) {
      if (isBlobStoreError(e) && e.code === "LeaseLost") continue; // broken by a writer that took our predecessor for gone
      throw outputFailed(location, e);
    }
    return keep(store, name, lease, holder, location, what);
  }
  throw runLeasedError(what, await readHolder(store, name), location, "other scorers keep taking it over; run one scorer per run (or shard)");
}

function keep(store: BlobStore, name: string, lease: BlobLease, holder: LeaseHolder, location: string, what: string): WriterLease {
  const keeper = new LeaseKeeper(
    () => new BatchScoringError(`${what}: this scorer (${describeHolder(holder)}) lost its writer lease ${location}: it could not renew it for ${LEASE_SECONDS} s and another scorer took over; it writes nothing more`, "RunLeased"),
    async () => {
      try {
        await lease.renew();
        return "held";
      } catch (e) {
        if (isBlobStoreError(e) && e.code === "LeaseLost") return "lost";
        throw e;
      }
    },
    (LEASE_SECONDS * 1000) / 3,
  );
  let released: Promise<void> | undefined;
  const release = (): Promise<void> =>
    (released ??= (async () => {
      await keeper.stop();
      // Emptied first: a lease seen held with no holder in it is someone just acquiring, never to be broken.
      await store.put(name, new Uint8Array(0), { leaseId: lease.leaseId }).catch(() => undefined);
      await lease.release().catch(() => undefined); // else it ends by itself
      // Tidy; refused (harmlessly) if the next writer has leased it already.
      await store.delete(name).catch(() => undefined);
    })());
  return { holder, location, throwIfLost: () => keeper.throwIfLost(), release, [Symbol.asyncDispose]: release };
}

/** A live writer lease of any shard of the run under `prefix`, if there is one. */
export async function findLiveBlobLease(store: BlobStore, prefix: string, which: (base: string) => boolean = () => true): Promise<{ holder: LeaseHolder | undefined; name: string } | undefined> {
  for await (const item of store.list(`${prefix}_lease`)) {
    if (!which(item.name.slice(prefix.length).replace(/\.json$/, ""))) continue;
    const leased = await store.getProperties(item.name).then((p) => p.leased, () => false);
    if (!leased) continue;
    const holder = await readHolder(store, item.name);
    if (!holder || !holderIsGone(holder)) return { holder, name: item.name }; // a killed holder's lease is nobody's
  }
  return undefined;
}

async function readHolder(store: BlobStore, name: string): Promise<LeaseHolder | undefined> {
  try {
    const parsed = LeaseHolder.safeParse(JSON.parse(Buffer.from(await store.get(name)).toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function outputFailed(location: string, e: unknown): BatchScoringError {
  return new BatchScoringError(`Cannot take the writer lease ${location}: ${(e as Error).message}`, "OutputFailed", { cause: e });
}
