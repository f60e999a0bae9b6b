import { ModelParams, quoteInput } from "@fleetscore/contracts";
import { z } from "zod";
import { ModelStoreError } from "./model-store-error.js";

/**
 * Parses the bytes of a `model_<D>_<S>.json` float64 parameter file.
 * @throws ModelStoreError `CorruptModel` naming the file and every invalid field.
 */
export function parseModelParams(bytes: Uint8Array, source: string): ModelParams {
  let json: unknown;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  try {
    json = JSON.parse(text);
  } catch (e) {
    // Not V8's message: it quotes the file, which may be anything (a link to /etc/passwd). Ours quotes at
    // most its first ~100 escaped characters.
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    throw new ModelStoreError(
      `Model parameters ${source} are not valid JSON${at === undefined ? "" : ` (at character ${at})`}; the file starts with ${quoteInput(text)}`,
      "CorruptModel",
    );
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
