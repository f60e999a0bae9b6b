import { randomBytes } from "node:crypto";
import { openBlobStore } from "@fleetscore/storage/azure";
import type { BlobStore } from "@fleetscore/storage";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    azuriteAccountUrl: string;
    azuriteConnectionString: string;
  }
}

/** The env a test passes to openModelStore / pushModelVersion for Azurite. */
export const azuriteEnv = (): Record<string, string> => ({ AZURE_STORAGE_CONNECTION_STRING: inject("azuriteConnectionString") });

/** A fresh, empty container location in Azurite (created). */
export async function newAzuriteLocation(prefix = ""): Promise<{ location: string; store: BlobStore }> {
  const location = `${inject("azuriteAccountUrl")}/models-${randomBytes(6).toString("hex")}${prefix ? `/${prefix}` : ""}`;
  const store = await openBlobStore(location, { env: azuriteEnv(), createIfNotExists: true });
  return { location, store };
}
