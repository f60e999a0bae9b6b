import { LOG_LEVELS } from "@fleetscore/logger";
import { UsageError } from "@fleetscore/cli-support";
import { z } from "zod";

const Env = z.object({
  FLEETSCORE_LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  /** Folder caching model files downloaded from Blob storage, keyed by sha256 (unset: no cache). */
  FLEETSCORE_MODEL_CACHE_DIR: z.string().min(1).optional(),
});

export interface Config {
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly modelCacheDir?: string;
}

/** An invalid environment variable: a usage error (exit 2), shown as is. */
export class ConfigError extends UsageError {
  override name = "ConfigError";
}

/** Parses the scorer's environment once at start-up. @throws ConfigError listing every invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!r.success) throw new ConfigError(`Invalid configuration:\n${z.prettifyError(r.error)}`);
  return Object.freeze({
    logLevel: r.data.FLEETSCORE_LOG_LEVEL,
    ...(r.data.FLEETSCORE_MODEL_CACHE_DIR && { modelCacheDir: r.data.FLEETSCORE_MODEL_CACHE_DIR }),
  });
}
