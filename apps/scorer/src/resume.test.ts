import type { ChildProcess } from "node:child_process";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { RunManifest } from "@fleetscore/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { REFERENCE_DATA, REFERENCE_MODELS, runScorer } from "./test-fixtures/run-scorer.js";
import { readPredictionFiles, scoreCleanRun, useScorerTempDir } from "./test-fixtures/scorer-suite.js";

const tmp = useScorerTempDir();
let data: string;
let clean: Map<string, Buffer>;
let cleanMs: number;

/** The reference readings repeated 20 times a day apart: ~355k rows, long enough to interrupt. */
async function makeLongerData(path: string): Promise<void> {
  const [header, ...rows] = (await readFile(REFERENCE_DATA, "utf8")).trimEnd().split("\n");
  const out: string[] = [header!];
  for (let day = 0; day < 20; day++) {
    for (const row of rows) out.push(row.replace(/^2018-08-(\d\d)/, (_, d: string) => `2018-09-${String(Number(d) - 27 + day).padStart(2, "0")}`));
  }
  await writeFile(path, out.join("\n") + "\n");
}

/** Names whose bytes differ or that only one side has (deep-equality on MB-sized buffers is slow). */
function differences(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names].filter((n) => !a.has(n) || !b.has(n) || !a.get(n)!.equals(b.get(n)!));
}

beforeAll(async () => {
  data = join(tmp(), "longer.csv");
  await makeLongerData(data);
  ({ files: clean, elapsedMs: cleanMs } = await scoreCleanRun(data, join(tmp(), "clean")));
});

describe("interrupted runs", () => {
  // Kill points spread over the run: while reading, while scoring, while committing files.
  for (const share of [0.15, 0.5, 0.85, 0.97]) {
    it(`killed with SIGKILL at ${share * 100}% of a run, then resumed, ends with exactly the files of a clean run`, async () => {
      const out = join(tmp(), `kill-${share}`);
      const args = ["score", "--models", REFERENCE_MODELS, "--data", data, "--out", out, "--run-id", "r"];
      const killed = await runScorer(args, {}, { kill: { signal: "SIGKILL", afterMs: Math.round(cleanMs * share) } });
      expect(killed.signal === "SIGKILL" || killed.code === 0).toBe(true);
      const resumed = await runScorer([...args, "--resume"]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(differences(await readPredictionFiles(join(out, "r")), clean)).toEqual([]);
      const names = await readdir(join(out, "r"));
      expect(names.filter((n) => n.endsWith(".partial") || n.endsWith(".tmp"))).toEqual([]);
      const manifest = RunManifest.parse(JSON.parse(await readFile(join(out, "r", "_manifest.json"), "utf8")));
      expect(manifest.totals).toMatchObject({ scored: 15, failed: 0, scoredRows: 20 * 17_768 });
    });
  }

  it("stops cleanly on SIGTERM: non-zero exit, no partial files, no manifest", async () => {
    const out = join(tmp(), "term");
    // Sent when the run says it is planned (not after a time): its signal handlers are in place and the
    // scoring is starting, however slow the machine is (a fixed delay once hit the scorer before its handlers).
    let sent = false;
    let seen = "";
    const onStderr = (text: string, child: ChildProcess): void => {
      seen += text; // a line may arrive in two pieces
      if (!sent && seen.includes('"msg":"run planned"')) {
        sent = true;
        child.kill("SIGTERM");
      }
    };
    const r = await runScorer(["score", "--models", REFERENCE_MODELS, "--data", data, "--out", out, "--run-id", "t", "--workers", "1"], { FLEETSCORE_LOG_LEVEL: "info" }, { onStderr });
    expect(sent, "SIGTERM was sent while the run was in progress").toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("interrupted");
    const names = await readdir(join(out, "t")).catch(() => [] as string[]);
    expect(names.filter((n) => n.endsWith(".partial") || n === "_manifest.json")).toEqual([]);
  });
});
