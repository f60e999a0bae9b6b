import { readFile } from "node:fs/promises";
import { parseDocument } from "yaml";

/** Makes the caller's own error (its class and code) from a message and the underlying error. */
export type ConfigErrorFactory = (message: string, cause?: unknown) => Error;

/**
 * A config file's text (YAML, so JSON too) as its plain value, read the way the scheduler, the publisher and
 * infra read theirs; the schema check is the caller's.
 * @throws what `fail` makes, naming the file and every YAML error.
 */
export function parseConfigText(text: string, file: string, fail: ConfigErrorFactory): unknown {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) throw fail(`${file}: not valid YAML or JSON:\n${doc.errors.map((e) => e.message).join("\n")}`);
  return doc.toJS();
}

/**
 * Reads a config file's text. @param what Names it in the error, e.g. "the publisher config".
 * @throws what `fail` makes when the file cannot be read.
 */
export async function readConfigText(file: string, what: string, fail: ConfigErrorFactory): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    throw fail(`Cannot read ${what} ${file}: ${(e as Error).message}`, e);
  }
}
