import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The model cache: FLEETSCORE_MODEL_CACHE_DIR, or for models on a Blob URL a shared folder under the OS
 * temp dir (size-bounded by the cache itself), so repeated runs and worker threads download each file once.
 */
export function modelCacheDir(models: string, ctx: { readonly modelCacheDir?: string | undefined }): string | undefined {
  if (ctx.modelCacheDir) return ctx.modelCacheDir;
  return /^https?:\/\//i.test(models) ? join(tmpdir(), "fleetscore-model-cache") : undefined;
}
