import { open } from "node:fs/promises";
import { openRunReader } from "@fleetscore/batch-scoring";
import type { RunManifest } from "@fleetscore/contracts";
import { isUrlLocation } from "./executor.js";

/**
 * A run's manifest under a local output folder, through @fleetscore/batch-scoring's run reader: the merged
 * `_manifest.json`, or shard i's. Undefined when it is not there (yet), is not a valid manifest, or the output
 * is a URL (the scheduler holds no storage credentials of its own; the shards' exit codes decide then).
 */
export async function readRunManifest(output: string, runId: string, shard?: { index: number; count: number }): Promise<RunManifest | undefined> {
  if (isUrlLocation(output)) return undefined;
  try {
    return await (await openRunReader(output)).readManifest(runId, shard ? { shard } : {});
  } catch {
    return undefined;
  }
}

/** The log's last error: the `msg` of its last JSON line at level error, else its last line; at most 500 characters. */
export async function lastLogError(logPath: string): Promise<string | undefined> {
  let text: string;
  try {
    const handle = await open(logPath, "r");
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 64 * 1024);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      text = buffer.toString("utf8");
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
  const lines = text.split("\n").filter((l) => l.trim() !== "" && !l.includes('"ns":"fleetscore:scheduler"'));
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const record = JSON.parse(lines[i]!) as { level?: string; msg?: string; error?: unknown };
      if (record.level === "error") return [record.msg, typeof record.error === "string" ? record.error : undefined].filter(Boolean).join(": ").slice(0, 500);
    } catch {
      // Not a JSON line: plain text output such as "error: ..." from the CLI.
    }
  }
  return lines.at(-1)?.slice(0, 500);
}
