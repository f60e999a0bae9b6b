import { randomBytes } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { openBlobStore } from "@fleetscore/storage/azure";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { REFERENCE_DATA, REFERENCE_MODELS, runScorer, type ScorerResult } from "./test-fixtures/run-scorer.js";
import { readPredictionFiles, scoreCleanRun, useScorerTempDir } from "./test-fixtures/scorer-suite.js";

const tmp = useScorerTempDir();
let clean: Map<string, Buffer>;
const blobEnv = (): Record<string, string> => ({ AZURE_STORAGE_CONNECTION_STRING: inject("azuriteConnectionString") });

async function blobPredictionFiles(container: string, runId: string): Promise<Map<string, Buffer>> {
  const store = await openBlobStore(container, { env: blobEnv() });
  const files = new Map<string, Buffer>();
  for await (const item of store.list(`${runId}/preds_`)) files.set(item.name.slice(runId.length + 1), Buffer.from(await store.get(item.name)));
  return files;
}

function expectSameFiles(actual: Map<string, Buffer>): void {
  expect([...actual.keys()]).toEqual([...clean.keys()]);
  for (const [name, bytes] of clean) expect(actual.get(name)!.equals(bytes), name).toBe(true);
}

/**
 * Starts a scorer and, once it holds the run's lease (its "run planned" line), freezes it and runs
 * `whileHeld`; then lets it go on. The second writer meets the first mid-run however fast the machine.
 */
async function whileFirstHoldsTheLease(args: readonly string[], env: Record<string, string>, whileHeld: (first: ChildProcess) => Promise<void>): Promise<ScorerResult> {
  let during: Promise<void> | undefined;
  const first = await runScorer(args, { ...env, FLEETSCORE_LOG_LEVEL: "info" }, {
    onStderr: (text, child) => {
      if (during || !text.includes('"msg":"run planned"')) return;
      child.kill("SIGSTOP");
      during = whileHeld(child).finally(() => child.kill("SIGCONT"));
    },
  });
  expect(during, "the first scorer reached its run planned line").toBeDefined();
  await during;
  return first;
}

beforeAll(async () => {
  ({ files: clean } = await scoreCleanRun(REFERENCE_DATA, join(tmp(), "clean")));
});

describe("one writer per run", () => {
  // A long stale limit for the frozen first scorer: a busy machine may take long to start the second.
  const slowEnv = { FLEETSCORE_LEASE_STALE_AFTER_MS: "600000" };

  for (const shard of [undefined, "1/2"]) {
    it(`a second scorer on the same ${shard ? "shard" : "run"} exits 1 naming the holder${shard ? ", and so does finalize" : ""}; the first's output is a clean run's`, async () => {
      const out = join(tmp(), `two-${shard ? "shard" : "run"}`);
      const args = ["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", out, "--run-id", "r", ...(shard ? ["--shard", shard] : [])];
      let second: ScorerResult | undefined;
      const first = await whileFirstHoldsTheLease(args, slowEnv, async (child) => {
        second = await runScorer(args);
        expect(second.code, second.stderr).toBe(1);
        expect(second.stderr).toContain(`is being written by another scorer (pid ${child.pid} on host `);
        expect(second.stderr).toContain(join(out, "r", shard ? "_lease-shard-1-of-2.0.json" : "_lease.0.json"));
        expect(second.stderr).not.toContain("internal error");
        if (shard) {
          const finalize = await runScorer(["finalize", "--out", out, "--run-id", "r"]);
          expect(finalize.code, finalize.stderr).toBe(1);
          expect(finalize.stderr).toContain(`run r is being written by another scorer (pid ${child.pid} on host `);
        }
      });
      expect(second).toBeDefined();
      expect(first.code, first.stderr).toBe(0);
      if (!shard) {
        expectSameFiles(await readPredictionFiles(join(out, "r")));
        expect((await readdir(join(out, "r"))).filter((n) => n.startsWith("_lease"))).toEqual([]);
      }
    });
  }

  it("after a kill -9, --resume takes over the dead scorer's lease at once and completes the run", async () => {
    const out = join(tmp(), "killed");
    const args = ["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", out, "--run-id", "r"];
    const killed = await runScorer(args, { FLEETSCORE_LOG_LEVEL: "info" }, {
      onStderr: (text, child) => {
        if (text.includes('"msg":"run planned"')) child.kill("SIGKILL");
      },
    });
    expect(killed.signal).toBe("SIGKILL");
    expect((await readdir(join(out, "r"))).filter((n) => n.startsWith("_lease")), "the killed scorer's lease").toEqual(["_lease.0.json"]);
    const resumed = await runScorer([...args, "--resume"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectSameFiles(await readPredictionFiles(join(out, "r")));
    expect((await readdir(join(out, "r"))).filter((n) => n.startsWith("_lease"))).toEqual([]);
  });

  it("on Blob: a second scorer exits 1 naming the holder, the first's blobs are a clean run's; after a kill -9, --resume completes", async () => {
    const container = `${inject("azuriteAccountUrl")}/lease-${randomBytes(6).toString("hex")}`;
    const args = ["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", container, "--run-id", "r"];
    const first = await whileFirstHoldsTheLease(args, blobEnv(), async (child) => {
      const second = await runScorer(args, blobEnv());
      expect(second.code, second.stderr).toBe(1);
      expect(second.stderr).toContain(`run r is being written by another scorer (pid ${child.pid} on host `);
      expect(second.stderr).toContain(`${container}/r/_lease.json`);
    });
    expect(first.code, first.stderr).toBe(0);
    expectSameFiles(await blobPredictionFiles(container, "r"));

    const killArgs = [...args.slice(0, -1), "k"];
    const killed = await runScorer(killArgs, { ...blobEnv(), FLEETSCORE_LOG_LEVEL: "info" }, {
      onStderr: (text, child) => {
        if (text.includes('"msg":"run planned"')) child.kill("SIGKILL");
      },
    });
    expect(killed.signal).toBe("SIGKILL");
    const resumed = await runScorer([...killArgs, "--resume"], blobEnv());
    expect(resumed.code, resumed.stderr).toBe(0);
    expectSameFiles(await blobPredictionFiles(container, "k"));
  }, 120_000);
});
