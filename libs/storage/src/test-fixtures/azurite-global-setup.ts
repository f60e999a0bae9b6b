import type { TestProject } from "vitest/node";
import { startAzurite } from "../testing/start-azurite.js";

export { AZURITE_ACCOUNT, AZURITE_KEY } from "../testing/start-azurite.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>/devstoreaccount1` */
    azuriteAccountUrl: string;
    /** A connection string with the account key for that URL. */
    azuriteConnectionString: string;
  }
}

/**
 * Starts Azurite's blob service in memory on a free port for this vitest project, provides its account
 * URL and connection string (`inject("azuriteConnectionString")`), and stops it afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const azurite = await startAzurite();
  project.provide("azuriteAccountUrl", azurite.accountUrl);
  project.provide("azuriteConnectionString", azurite.connectionString);
  return () => azurite.stop();
}
