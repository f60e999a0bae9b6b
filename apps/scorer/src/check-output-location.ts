import { UsageError } from "@fleetscore/cli-support";
import { locationContains, parseBlobLocation, type BlobLocation } from "@fleetscore/storage";

/**
 * Refuses `--out` inside `--models` (or equal to it), before anything is written: a run folder there would
 * be listed as part of the models (one named `model_3_9.onnx` would be taken for a model by every later run).
 * Locations that do not parse are left to the flags' own checks.
 * @throws UsageError naming both flags.
 */
export function checkOutputOutsideModels(out: string, models: string): void {
  const output = parse(out);
  if (!output) return;
  // `<location>@<version>` pins a model store version: the location is what holds the files.
  const candidates = [models, models.replace(/@[A-Za-z0-9._-]+$/, "")];
  for (const candidate of new Set(candidates)) {
    const location = parse(candidate);
    if (location && locationContains(location, output)) {
      throw new UsageError(`--out ${out} is inside --models ${candidate}: its run folders would be taken for models by later runs; write the output elsewhere`);
    }
  }
}

function parse(text: string): BlobLocation | undefined {
  try {
    return parseBlobLocation(text);
  } catch {
    return undefined;
  }
}
