import type { FleetscoreEnv } from "@fleetscore/cli-support";

/** What the monitor takes from its environment (read once by cli-support; the log level is set there). */
export interface Config {
  /** Turns the Application Insights export on (see the README); unset: nothing leaves the machine. */
  readonly appInsightsConnectionString?: string;
}

export function configFromEnv(env: FleetscoreEnv): Config {
  return Object.freeze({ ...(env.APPLICATIONINSIGHTS_CONNECTION_STRING && { appInsightsConnectionString: env.APPLICATIONINSIGHTS_CONNECTION_STRING }) });
}
