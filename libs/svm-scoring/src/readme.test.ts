import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { ModelArtifact } from "@fleetscore/contracts";
import { expect, it } from "vitest";
import { createScoringEngine, predictions } from "./index.js";
import { loadArtifact, REFERENCE_MODELS } from "./test-fixtures/fixtures.js";

/** The README's usage example, verbatim (checked below), with `artifact` and `console` supplied by the test. */
async function readmeExample(artifact: ModelArtifact, console: { log(line: string): void }): Promise<void> {
  const engine = await createScoringEngine(); // "auto"
  const session = await engine.load(artifact); // a ModelArtifact, e.g. from @fleetscore/model-store
  try {
    const scores = await session.score(Float64Array.from([10.16, 12.4, 15.2])); // row-major, featureCount per row
    const flags = predictions(scores); // 1 = anomaly (score <= 0)
    console.log(`${session.engine}/${session.parameters}: anomalies ${flags.filter((f) => f === 1).length}`);
  } finally {
    await session.release();
  }
}

const normalize = (code: string): string =>
  code
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join("\n");

it("the README example is this test's code and runs", async () => {
  const readme = await readFile(resolve(import.meta.dirname, "../README.md"), "utf8");
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks[0]).toBe('import { createScoringEngine, predictions } from "@fleetscore/svm-scoring";\n');
  expect(blocks[1]!.split("\n").length - 1).toBeLessThanOrEqual(10);
  const self = await readFile(import.meta.filename, "utf8");
  expect(normalize(self)).toContain(normalize(blocks[1]!));

  const lines: string[] = [];
  await readmeExample(await loadArtifact(REFERENCE_MODELS, "1_1"), { log: (l) => lines.push(l) });
  expect(lines).toEqual(["ts/float64-json: anomalies 1"]);
});
