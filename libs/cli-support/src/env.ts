import { inspect } from "node:util";
import { z } from "zod";
import { LOG_LEVELS, type LogLevel } from "@fleetscore/logger";
import { formatIssues } from "./error-format.js";
import { UsageError } from "./usage-error.js";

/**
 * Every environment variable a fleetscore app reads, in one schema. Secrets (connection strings, account
 * keys, passwords) are marked so that nothing prints them: see {@link describeEnv}.
 */
const EnvSchema = z.object({
  FLEETSCORE_LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  /** Folder caching model files downloaded from Blob storage, keyed by sha256 (unset: no cache). */
  FLEETSCORE_MODEL_CACHE_DIR: z.string().min(1).optional(),
  /** Password for a postgres:// or mssql:// URL that has none. */
  FLEETSCORE_SQL_PASSWORD: z.string().min(1).optional(),
  /** How long a silent folder writer keeps its run lease before another scorer may take over (ms; default 30,000). */
  FLEETSCORE_LEASE_STALE_AFTER_MS: z.string().regex(/^[1-9]\d*$/, "a positive integer (ms)").optional(),
  /** A Blob request try with no answer in this time is ended and retried (ms; default 120,000). */
  FLEETSCORE_STORAGE_TRY_TIMEOUT_MS: z.string().regex(/^[1-9]\d*$/, "a positive integer (ms)").optional(),
  /** A warning is logged each time a storage call has waited this long (ms; default 10,000; 0: never). */
  FLEETSCORE_STORAGE_SLOW_CALL_MS: z.string().regex(/^\d+$/, "a whole number (ms)").optional(),
  /** DOCKER_HOST for the scheduler's docker executor. */
  FLEETSCORE_DOCKER_HOST: z.string().min(1).optional(),
  /** Account key for Blob locations of the account it names (else DefaultAzureCredential). */
  AZURE_STORAGE_CONNECTION_STRING: z.string().min(1).optional(),
  /** Event Hubs namespace for `eventhubs:<hub>` (else `--namespace` with DefaultAzureCredential). */
  EVENTHUB_CONNECTION_STRING: z.string().min(1).optional(),
  /** Turns the monitor's Application Insights export on. */
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().min(1).optional(),
});

/** The variables whose values are secrets: never printed, logged or written. */
export const SECRET_ENV_VARS = ["FLEETSCORE_SQL_PASSWORD", "AZURE_STORAGE_CONNECTION_STRING", "EVENTHUB_CONNECTION_STRING", "APPLICATIONINSIGHTS_CONNECTION_STRING"] as const;

export type FleetscoreEnv = Omit<z.infer<typeof EnvSchema>, "FLEETSCORE_LOG_LEVEL"> & { readonly FLEETSCORE_LOG_LEVEL: LogLevel };

/** The environment with every secret's value replaced by `***` (for diagnostics). */
export function describeEnv(env: Partial<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env)
      .filter(([k, v]) => k in EnvSchema.shape && v !== undefined)
      .map(([k, v]) => [k, (SECRET_ENV_VARS as readonly string[]).includes(k) ? "***" : String(v)]),
  );
}

/**
 * Reads the process environment once through the schema (empty values count as unset).
 * The result prints (toString, JSON, util.inspect) with its secrets masked.
 * @throws UsageError listing every invalid variable on one line (`NAME: problem; ...`, exit 2).
 */
export function readEnv(env: NodeJS.ProcessEnv, options: { readonly defaultLogLevel?: LogLevel } = {}): FleetscoreEnv {
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!parsed.success) throw new UsageError(formatIssues(parsed.error.issues.map((i) => ({ name: String(i.path[0] ?? "environment"), message: i.message }))));
  const result = { ...parsed.data, FLEETSCORE_LOG_LEVEL: parsed.data.FLEETSCORE_LOG_LEVEL ?? options.defaultLogLevel ?? "info" };
  const masked = () => describeEnv(result);
  Object.defineProperties(result, {
    toString: { value: () => JSON.stringify(masked()) },
    toJSON: { value: masked },
    [inspect.custom]: { value: () => masked() },
  });
  return Object.freeze(result);
}

/** Secret values of the environment, for scrubbing them out of anything printed. */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  return SECRET_ENV_VARS.map((k) => env[k]).filter((v): v is string => typeof v === "string" && v.length >= 4);
}
