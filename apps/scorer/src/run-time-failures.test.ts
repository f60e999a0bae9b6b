import { readdir } from "node:fs/promises";
import { freePort } from "@fleetscore/sql-aggregates/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { REFERENCE_DATA, REFERENCE_MODELS, assertBuilt, makeTempDir, runScorer } from "./test-fixtures/run-scorer.js";

beforeAll(assertBuilt);

describe("run-time failures exit 1, not 2 (issue 11 item 10)", () => {
  it("a PostgreSQL --data that is down: exit 1 with PostgreSQL's error, no flag blamed, the password never printed", async () => {
    const out = await makeTempDir();
    const data = `postgres://fleet:PLANTED-PW-31@127.0.0.1:${await freePort()}/agg?connect_timeout=5`;
    const r = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", data, "--from", "2018-08-28T00:00:00Z", "--to", "2018-08-29T00:00:00Z", "--out", out, "--run-id", "down", "--workers", "0"]);
    expect(r.stderr).toMatch(/^error: .*unavailable/im);
    expect(r.stderr).not.toMatch(/^error: --(out|data|models)/m);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain("PLANTED-PW-31");
    expect(await readdir(out)).toEqual([]);
  });

  it("a Blob --out that is down: exit 1 naming the storage failure", async () => {
    const account = `http://127.0.0.1:${await freePort()}/devstoreaccount1`;
    const r = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", REFERENCE_DATA, "--out", `${account}/runs`, "--run-id", "down", "--retries", "0"], {
      AZURE_STORAGE_CONNECTION_STRING: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=UExBTlRFRC1LRVk=;BlobEndpoint=${account};`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Azure Blob Storage at .* is unreachable/m);
    expect(r.stdout + r.stderr).not.toContain("UExBTlRFRC1LRVk=");
  });
});
