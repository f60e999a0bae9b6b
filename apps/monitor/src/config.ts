import { LOG_LEVELS } from "@fleetscore/logger";
import { UsageError } from "@fleetscore/cli-support";
import { z } from "zod";

const Env = z.object({
  FLEETSCORE_LOG_LEVEL: z.enum(LOG_LEVELS).default("warning"),
  /** Turns the Application Insights export on (see the README); unset: nothing leaves the machine. */
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().min(1).optional(),
});

export interface Config {
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly appInsightsConnectionString?: string;
}

/** Parses the monitor's environment once at start-up. @throws UsageError listing every invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!r.success) throw new UsageError(`Invalid configuration:\n${z.prettifyError(r.error)}`);
  return Object.freeze({
    logLevel: r.data.FLEETSCORE_LOG_LEVEL,
    ...(r.data.APPLICATIONINSIGHTS_CONNECTION_STRING && { appInsightsConnectionString: r.data.APPLICATIONINSIGHTS_CONNECTION_STRING }),
  });
}
