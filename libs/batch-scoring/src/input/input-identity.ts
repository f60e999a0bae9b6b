import { z } from "zod";
import type { OperationOptions } from "@fleetscore/contracts";
import { BatchScoringError } from "../batch-scoring-error.js";
import type { RunOutput } from "../folder-run-output.js";
import type { ShardSpec } from "../run/shard-plan.js";

/**
 * What a run scored, recorded in the run's state when it starts (`_input.json`, or `_input.shard-i-of-n.json`
 * per shard) and completed with the content hash once the whole input has been read: a `--resume` must score
 * the same input with the same models and engine, or its files would mix two inputs.
 */
export const InputIdentity = z.object({
  schemaVersion: z.literal(1),
  /** The input's location without credentials. */
  data: z.string(),
  /** Size as stored (compressed, for gzip); absent for SQL windows. */
  sizeInBytes: z.number().int().nonnegative().optional(),
  /** sha256 of the rows as read (the decompressed lines after the header; for SQL, the windows' values). */
  contentSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** The model store's location, pinned to the version the run resolved. */
  models: z.string(),
  engine: z.string(),
  /**
   * The engine and parameters each model was scored with, recorded before any prediction file is committed,
   * so a resume keeps them for the models whose files it keeps (the choice `auto` resolves per model).
   */
  scoredWith: z.record(z.string(), z.object({ engine: z.enum(["ts", "onnx"]), parameters: z.enum(["float64-json", "onnx"]) })).optional(),
});
export type InputIdentity = z.infer<typeof InputIdentity>;

export function inputStateFileName(shard: ShardSpec | undefined): string {
  return shard ? `_input.shard-${shard.index}-of-${shard.count}.json` : "_input.json";
}

/** The identity a run recorded, or undefined when it has none (a run started before this was recorded). */
export async function readInputIdentity(output: RunOutput, name: string, options: OperationOptions = {}): Promise<InputIdentity | undefined> {
  if (!(await output.list(options)).includes(name)) return undefined;
  const text = Buffer.from(await output.readFile(name, options)).toString("utf8");
  let parsed;
  try {
    parsed = InputIdentity.safeParse(JSON.parse(text));
  } catch (e) {
    throw new BatchScoringError(`${output.location}/${name} is not valid JSON: it records the run's input`, "InvalidRun", { cause: e });
  }
  if (!parsed.success) throw new BatchScoringError(`${output.location}/${name} does not record a run's input: ${z.prettifyError(parsed.error)}`, "InvalidRun");
  return parsed.data;
}

export function writeInputIdentity(output: RunOutput, name: string, identity: InputIdentity, options: OperationOptions = {}): Promise<void> {
  return output.writeFile(name, JSON.stringify(identity, null, 2) + "\n", options);
}

const FIELD_NAMES: Record<keyof Omit<InputIdentity, "schemaVersion" | "scoredWith">, string> = {
  data: "input location",
  sizeInBytes: "input size",
  contentSha256: "input content (sha256)",
  models: "models",
  engine: "engine",
};

/**
 * Refuses a resume whose input is not the one the run started with. Fields only one side knows (the hash of
 * a run killed before it read its whole input) are not compared.
 * @throws BatchScoringError `InputChanged` naming each field that changed, with both values.
 */
export function checkSameInput(recorded: InputIdentity, current: Partial<InputIdentity>, where: string): void {
  const changed: string[] = [];
  for (const key of Object.keys(FIELD_NAMES) as Array<keyof typeof FIELD_NAMES>) {
    const was = recorded[key];
    const now = current[key];
    if (was === undefined || now === undefined || was === now) continue;
    changed.push(`${FIELD_NAMES[key]} was ${JSON.stringify(was)}, now ${JSON.stringify(now)}`);
  }
  if (changed.length > 0) {
    throw new BatchScoringError(`cannot resume ${where} with another input than it started with: ${changed.join("; ")}`, "InputChanged");
  }
}
