import { startAzurite, type RunningAzurite } from "@fleetscore/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REFERENCE_DATA, REFERENCE_MODELS, assertBuilt, runScorer } from "./test-fixtures/run-scorer.js";

// An Azurite of its own, frozen with SIGSTOP: the service accepts connections and never answers.
let azurite: RunningAzurite;
beforeAll(async () => {
  assertBuilt();
  azurite = await startAzurite();
}, 60_000);
afterAll(async () => {
  await azurite?.stop();
});

describe("a Blob --out whose service hangs (issue 11 item 11)", () => {
  it("logs that the call waits, naming the operation and the location, then exits 1 naming the location", async () => {
    const out = `${azurite.accountUrl}/frozen`;
    azurite.process.kill("SIGSTOP");
    try {
      const r = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", out, "--run-id", "hung", "--retries", "1"], {
        AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
        // A frozen service never answers, so these short timeouts hold on any machine.
        FLEETSCORE_STORAGE_TRY_TIMEOUT_MS: "500",
        FLEETSCORE_STORAGE_SLOW_CALL_MS: "200",
      });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error: .*Azure Blob Storage at ${out.replace(/[.]/g, "\\.")}.* is unreachable \\(ETIMEDOUT: no answer within 500 ms`, "m"));
      const waiting = r.stderr
        .split("\n")
        .filter((l) => l.includes('"msg":"storage call still waiting"'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(waiting.length).toBeGreaterThan(0);
      expect(waiting[0]).toMatchObject({ level: "warning", ns: "fleetscore:storage", location: out });
      expect(typeof waiting[0]!["operation"]).toBe("string");
    } finally {
      azurite.process.kill("SIGCONT");
    }
  }, 60_000);
});
