import { describe, expect, it } from "vitest";
import { UsageError, passwordsInArgs, redactingStream, refuseCredentialsInArgs } from "./index.js";

describe("refuseCredentialsInArgs", () => {
  it("refuses a SAS token or user info in any flag's http(s) location, naming the flag but not the secret", () => {
    const refused = (argv: string[]): string => {
      try {
        refuseCredentialsInArgs(argv);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      return "";
    };
    expect(refused(["score", "--data", "http://127.0.0.1:10000/a/c/d.csv?sv=1&sig=PLANTED"])).toMatch(/^--data: remove the query string/);
    expect(refused(["run", "--checkpoints=https://u:PLANTED@a/c"])).toMatch(/^--checkpoints: remove the user info/);
    expect(refused(["score", "--data", "postgres://u:pw@127.0.0.1/db", "--out", "http://127.0.0.1:10000/a/c"])).toBe("");
    expect(refused(["score", "--data", "http://127.0.0.1:10000/a/c/d.csv?sig=PLANTED"])).not.toContain("PLANTED");
  });
});

describe("redactingStream", () => {
  it("scrubs the secrets and SQL URL passwords of the arguments out of every write", () => {
    let out = "";
    const stream = redactingStream({ write: (t: string) => (out += t), isTTY: false }, ["PLANTED-ENV", ...passwordsInArgs(["--to", "postgres://u:PLANTED%2FPW@h/db"])]);
    stream.write("env PLANTED-ENV; url postgres://u:PLANTED%2FPW@h/db; decoded PLANTED/PW\n");
    expect(out).toBe("env ***; url postgres://u:***@h/db; decoded ***\n");
    expect(stream.isTTY).toBe(false);
  });
});
