import type { PipelineSpec } from "./publish-spec.js";

/** Where the scorer image keeps its CLI (apps/scorer/Dockerfile's ENTRYPOINT; Azure ML replaces the entrypoint). */
export const SCORER_CLI = "node /app/apps/scorer/dist/main.js";

/** Quotes a value for the POSIX shell Azure ML runs the command in. */
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

const isSql = (data: string): boolean => /^(sqlite|postgres|postgresql|mssql):/.test(data);

/**
 * The shell preamble every step shares: the trigger time Azure ML substitutes (`trigger_time`, ISO 8601)
 * becomes epoch seconds `T` and the run id `<pipeline>-YYYYMMDDTHHMMZ`, so a retried or re-triggered
 * run writes the same run (as the local scheduler does). GNU date is in the image (Debian bookworm).
 */
const PREAMBLE =
  "T=$(date -u -d \"${{inputs.trigger_time}}\" +%s) && " +
  "RUN_ID=\"${{inputs.pipeline}}-$(date -u -d @$T +%Y%m%dT%H%MZ)\"";

/** `score --shard ${i}/${n}` for one step, with `--resume` so an Azure ML retry keeps finished models. */
export function scoreCommand(pipeline: PipelineSpec): string {
  const window =
    isSql(pipeline.data) && pipeline.dataWindowInSeconds !== undefined
      ? ` --from "$(date -u -d @$((T - ${pipeline.dataWindowInSeconds})) +%Y-%m-%dT%H:%M:%SZ)"` +
        ` --to "$(date -u -d @$T +%Y-%m-%dT%H:%M:%SZ)"`
      : "";
  const options = [
    pipeline.workersPerShard !== undefined && `--workers ${pipeline.workersPerShard}`,
    pipeline.retries !== undefined && `--retries ${pipeline.retries}`,
    pipeline.maxFailedModels !== undefined && `--max-failed-models ${q(pipeline.maxFailedModels)}`,
    pipeline.engine !== undefined && `--engine ${pipeline.engine}`,
    pipeline.allowEmpty === true && "--allow-empty",
  ].filter((o): o is string => typeof o === "string");
  return (
    `${PREAMBLE} && ${SCORER_CLI} score --models "\${{inputs.models}}" --data "\${{inputs.data}}"${window}` +
    ` --out "\${{inputs.output}}" --run-id "$RUN_ID" --shard \${{inputs.shard}}/\${{inputs.shard_count}} --resume` +
    (options.length > 0 ? ` ${options.join(" ")}` : "") +
    ` && echo "$RUN_ID" > "\${{outputs.done}}/run-id"`
  );
}

/** Merges the shard manifests once every shard step is done (the last shard usually did already). */
export function finalizeCommand(pipeline: Pick<PipelineSpec, "allowEmpty"> = {}): string {
  return `${PREAMBLE} && ${SCORER_CLI} finalize --out "\${{inputs.output}}" --run-id "$RUN_ID"${pipeline.allowEmpty === true ? " --allow-empty" : ""}`;
}
