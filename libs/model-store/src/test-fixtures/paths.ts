import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** ../shared/fixtures beside the repo (read-only: copy before changing anything). */
export const SHARED_FIXTURES = resolve(import.meta.dirname, "../../../../../shared/fixtures");
export const REFERENCE_MODELS = join(SHARED_FIXTURES, "reference/models");

/** A writable copy of the reference models in a fresh temp folder. */
export async function copyReferenceModels(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "fleetscore-models-"));
  await cp(REFERENCE_MODELS, dir, { recursive: true });
  return dir;
}
