import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runScorer } from "./test-fixtures/run-scorer.js";

beforeAll(assertBuilt);

describe("score --help (issue 11 item 16)", () => {
  it("says what the README says of the locations: stores, @version, Blob URLs, SQL, credentials, exit codes", async () => {
    const r = await runScorer(["score", "--help"]);
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, " ");
    for (const said of ["models push", "<location>@<version>", "Blob container URL", "sqlite:<file>", "FLEETSCORE_SQL_PASSWORD", "AZURE_STORAGE_CONNECTION_STRING", "1 run-time failure", "2 usage or input error"]) {
      expect(help, said).toContain(said);
    }
  });
});
