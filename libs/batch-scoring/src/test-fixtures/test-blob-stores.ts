import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { FolderBlobStore, type BlobStore } from "@fleetscore/storage";
import { openBlobStore } from "@fleetscore/storage/azure";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    azuriteAccountUrl: string;
    azuriteConnectionString: string;
  }
}

/**
 * The two BlobStores the Blob run-output tests run on, for `describe.each`: a fresh folder store under `dir()`
 * and a fresh Azurite container named `<containerPrefix>-<random>` (Azurite is started by the global setup).
 */
export function testBlobStores(dir: () => string, containerPrefix: string): Array<[string, () => Promise<BlobStore>]> {
  return [
    ["folder BlobStore", () => FolderBlobStore.create(join(dir(), `blobs-${randomBytes(4).toString("hex")}`), { createIfNotExists: true })],
    [
      "Azurite",
      () =>
        openBlobStore(`${inject("azuriteAccountUrl")}/${containerPrefix}-${randomBytes(6).toString("hex")}`, {
          env: { AZURE_STORAGE_CONNECTION_STRING: inject("azuriteConnectionString") },
          createIfNotExists: true,
        }),
    ],
  ];
}
