import { createReadStream, existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { seededRandom, startNodeProcess, type NodeProcessResult, type StartedNodeProcess } from "@fleetscore/test-support";

export const SHARED_FIXTURES = resolve(import.meta.dirname, "../../../../../shared/fixtures");
export const SYNTHETIC_DATA = join(SHARED_FIXTURES, "synthetic-2k/sensor_data.csv.gz");
/** The committed copy of the reference data (data/reference). */
export const REFERENCE_DATA = resolve(import.meta.dirname, "../../../../data/reference/sensor_data.csv");
/** The built CLI: the tests run exactly what users run. `nx run aggregator:test` builds it first. */
export const AGGREGATOR_MAIN = resolve(import.meta.dirname, "../../dist/main.js");

export type AggregatorResult = NodeProcessResult;
export type StartedAggregator = StartedNodeProcess;

export function assertBuilt(): void {
  if (!existsSync(AGGREGATOR_MAIN)) {
    throw new Error(`${AGGREGATOR_MAIN} is missing: run \`npx nx run aggregator:build\` (nx run aggregator:test does it for you)`);
  }
}

export function startAggregator(args: readonly string[], env: NodeJS.ProcessEnv = {}): StartedAggregator {
  return startNodeProcess(AGGREGATOR_MAIN, args, env);
}

export function runAggregator(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<AggregatorResult> {
  return startAggregator(args, env).done;
}

export function makeTempDir(prefix = "fleetscore-aggregator-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}


/**
 * The first `rows` readings of synthetic-2k, made harder for the windowing: lines swapped with a
 * neighbour up to `shuffleSpan` lines away (out of order by up to a few seconds) and every
 * `duplicateEvery`-th line delivered a second time a little later.
 */
export async function writeMessyCsv(path: string, rows: number, options: { shuffleSpan?: number; duplicateEvery?: number; seed?: number } = {}): Promise<void> {
  const lines: string[] = [];
  const input = createInterface({ input: createReadStream(SYNTHETIC_DATA).pipe(createGunzip()), crlfDelay: Infinity });
  let header = "";
  for await (const line of input) {
    if (!header) {
      header = line;
      continue;
    }
    lines.push(line);
    if (lines.length >= rows) break;
  }
  input.close();
  const random = seededRandom(options.seed ?? 7);
  const span = options.shuffleSpan ?? 0;
  if (span > 0) {
    for (let i = 0; i < lines.length; i++) {
      const j = Math.min(lines.length - 1, i + Math.floor(random() * span));
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    }
  }
  const out: string[] = [header];
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]!);
    if (options.duplicateEvery && i % options.duplicateEvery === 0 && i >= 10) out.push(lines[i - 10]!);
  }
  await writeFile(path, out.join("\n") + "\n");
}
