import { ModelParams } from "@fleetscore/contracts";
import { z } from "zod";
import { ModelStoreError } from "./model-store-error.js";

/**
 * Parses the bytes of a `model_<D>_<S>.json` float64 parameter file.
 * @throws ModelStoreError `CorruptModel` naming the file and every invalid field.
 */
export function parseModelParams(bytes: Uint8Array, source: string): ModelParams {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  } catch (e) {
    throw new ModelStoreError(`Model parameters ${source} are not valid JSON: ${(e as Error).message}`, "CorruptModel", {
      cause: e,
    });
  }
  const parsed = ModelParams.safeParse(json);
  if (!parsed.success) {
    throw new ModelStoreError(
      `Model parameters ${source} are invalid:\n${z.prettifyError(parsed.error)}`,
      "CorruptModel",
      { cause: parsed.error },
    );
  }
  return parsed.data;
}
