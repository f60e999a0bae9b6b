import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REFERENCE_DATA, REFERENCE_MODELS, runScorer } from "./test-fixtures/run-scorer.js";
import { readPredictionFiles, scoreCleanRun, useScorerTempDir } from "./test-fixtures/scorer-suite.js";

const tmp = useScorerTempDir();
let out: string;
let firstFiles: Map<string, Buffer>;

const score = (data: string, ...more: string[]) => runScorer(["score", "--models", REFERENCE_MODELS, "--data", data, "--out", out, "--run-id", "r", ...more]);

/** As a kill -9 leaves a run: no manifest, some prediction files not written yet. */
async function interrupt(): Promise<void> {
  const run = join(out, "r");
  await rm(join(run, "_manifest.json"), { force: true });
  for (const name of [...firstFiles.keys()].slice(0, 5)) await rm(join(run, name));
}

beforeAll(async () => {
  out = join(tmp(), "out");
  ({ files: firstFiles } = await scoreCleanRun(REFERENCE_DATA, out));
});

describe("score --resume checks the run's input", () => {
  it("records the input's identity in the run's state", async () => {
    const identity = JSON.parse(await readFile(join(out, "r", "_input.json"), "utf8"));
    expect(identity).toMatchObject({ schemaVersion: 1, data: REFERENCE_DATA, models: REFERENCE_MODELS, engine: "auto" });
    expect(identity.sizeInBytes).toBeGreaterThan(0);
    expect(identity.contentSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses half the data (exit 2, naming the input's size), before touching any file", async () => {
    const half = join(tmp(), "half.csv");
    const lines = (await readFile(REFERENCE_DATA, "latin1")).split("\n");
    await writeFile(half, lines.slice(0, Math.floor(lines.length / 2)).join("\n") + "\n", "latin1");
    await interrupt();
    const r = await score(half, "--resume");
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toContain("--resume");
    expect(r.stderr).toMatch(/input size was \d+, now \d+/);
    expect(r.stderr).toMatch(/input location was/);
    // Nothing was scored from the other data.
    expect((await readPredictionFiles(join(out, "r"))).size).toBe(10);
  });

  it("refuses data of the same size and location but other content (exit 2, naming the content hash)", async () => {
    const text = await readFile(REFERENCE_DATA, "latin1");
    // One value changed, the same number of bytes: only the content hash can tell.
    const lineStart = text.indexOf("\n", text.length / 2) + 1;
    const lineEnd = text.indexOf("\n", lineStart);
    const line = text.slice(lineStart, lineEnd);
    const lastDigit = line.search(/\d(?=\D*$)/);
    const changed = line.slice(0, lastDigit) + (line[lastDigit] === "1" ? "2" : "1") + line.slice(lastDigit + 1);
    const edited = join(tmp(), "edited.csv");
    await writeFile(edited, text.slice(0, lineStart) + changed + text.slice(lineEnd), "latin1");
    // The run records where its data was; point the record at the edited copy's path so only content differs.
    const statePath = join(out, "r", "_input.json");
    const state = JSON.parse(await readFile(statePath, "utf8"));
    await writeFile(statePath, JSON.stringify({ ...state, data: edited }));
    const r = await score(edited, "--resume");
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toMatch(/--resume: .*input content \(sha256\) was "[0-9a-f]{64}", now "[0-9a-f]{64}"/);
    expect(r.stderr).not.toMatch(/input size|input location/);
    // No prediction file of the edited data was committed.
    expect((await readPredictionFiles(join(out, "r"))).size).toBe(10);
    await writeFile(statePath, JSON.stringify(state));
  });

  it("refuses another engine, naming it", async () => {
    const r = await score(REFERENCE_DATA, "--resume", "--engine", "ts");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/engine was "auto", now "ts"/);
  });

  it("resumes the same input to the files of the first run", async () => {
    const r = await score(REFERENCE_DATA, "--resume");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("(10 kept from before)");
    const files = await readPredictionFiles(join(out, "r"));
    expect([...files.keys()]).toEqual([...firstFiles.keys()]);
    for (const [name, bytes] of files) expect(bytes.equals(firstFiles.get(name)!), name).toBe(true);
  });
});
