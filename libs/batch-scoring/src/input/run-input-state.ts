import type { OperationOptions } from "@fleetscore/contracts";
import type { RunOutput } from "../folder-run-output.js";
import type { ShardSpec } from "../run/shard-plan.js";
import { checkSameInput, inputStateFileName, readInputIdentity, writeInputIdentity, type InputIdentity } from "./input-identity.js";

/** The input a run (or shard) is scoring, as recorded in its state; see {@link InputIdentity}. */
/** The engine and parameters a model was scored with. */
export type ScoredWith = NonNullable<InputIdentity["scoredWith"]>[string];

export interface RunInputState {
  /** What an earlier attempt recorded each model was scored with (for the models a resume keeps). */
  recordedScoredWith(modelId: string): ScoredWith | undefined;
  /**
   * Once the whole input was read, before any file is committed: checks its content hash against the one
   * recorded (on resume) and records it, with what this attempt scored each model with (kept: the earlier
   * attempts'). @throws BatchScoringError `InputChanged`.
   */
  complete(contentSha256: string, scoredWith?: Readonly<Record<string, ScoredWith>>): Promise<void>;
}

/**
 * Before any work: on resume, refuses an input that differs from the recorded one in what is known up front
 * (location, size, models, engine); then records this run's input.
 * @throws BatchScoringError `InputChanged` (naming what changed), `InvalidRun` (an unreadable record).
 */
export async function startRunInputState(
  output: RunOutput,
  shard: ShardSpec | undefined,
  current: Omit<InputIdentity, "schemaVersion" | "contentSha256">,
  resume: boolean,
  options: OperationOptions = {},
): Promise<RunInputState> {
  const name = inputStateFileName(shard);
  const recorded = resume ? await readInputIdentity(output, name, options) : undefined;
  const where = `run ${output.location}`;
  if (recorded) checkSameInput(recorded, current, where);
  const identity: InputIdentity = {
    schemaVersion: 1,
    ...current,
    ...(recorded?.contentSha256 && { contentSha256: recorded.contentSha256 }),
    ...(recorded?.scoredWith && { scoredWith: recorded.scoredWith }),
  };
  await writeInputIdentity(output, name, identity, options);
  const earlier = recorded?.scoredWith ?? {};
  return {
    recordedScoredWith: (modelId) => earlier[modelId],
    async complete(contentSha256, scoredWith = {}) {
      if (recorded) checkSameInput(recorded, { contentSha256 }, where);
      await writeInputIdentity(output, name, { ...identity, contentSha256, scoredWith: { ...earlier, ...scoredWith } }, options);
    },
  };
}
