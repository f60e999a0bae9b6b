import { beforeAll, describe, expect, it } from "vitest";
import { REFERENCE_DATA, assertBuilt, runAggregator } from "./test-fixtures/run-aggregator.js";

beforeAll(assertBuilt);

describe("the hint after a run-time failure (issue 11 item 18)", () => {
  it("a first run whose database is down says nothing was saved, not that a checkpoint is intact", async () => {
    // Port 1: privileged, nothing listens there (connection refused).
    const r = await runAggregator(["run", "--from", REFERENCE_DATA, "--to", "postgres://fleet@127.0.0.1:1/agg?connect_timeout=5"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error: PostgreSQL at .* is unavailable/m);
    expect(r.stderr).not.toMatch(/checkpoint is intact/);
    expect(r.stderr).toContain("Nothing was saved by this run: run the same command again once the service is back.");
  });
});
