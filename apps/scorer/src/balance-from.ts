import { readFile } from "node:fs/promises";
import { RunManifest } from "@fleetscore/contracts";
import { UsageError } from "@fleetscore/cli-support";
import { z } from "zod";

/** Rows per model from an earlier run's manifest, to balance shards by rows (`--balance-from`). */
export async function readRowsPerModel(path: string): Promise<Map<string, number>> {
  let parsed;
  try {
    parsed = RunManifest.safeParse(JSON.parse(await readFile(path, "utf8")));
  } catch (e) {
    throw new UsageError(`--balance-from: cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (!parsed.success) throw new UsageError(`--balance-from: ${path} is not a run manifest:\n${z.prettifyError(parsed.error)}`);
  return new Map(parsed.data.models.filter((m) => m.rows > 0).map((m) => [m.modelId, m.rows]));
}
