// What the Azurite global setup (libs/storage/src/test-fixtures/azurite-global-setup.ts) provides to tests.
declare module "vitest" {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>/devstoreaccount1` */
    azuriteAccountUrl: string;
    /** A connection string with the account key for that URL. */
    azuriteConnectionString: string;
  }
}
export {};
