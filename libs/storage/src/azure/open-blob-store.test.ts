import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { FolderBlobStore, parseBlobLocation, type AzureBlobLocation } from "../index.js";
import { AZURITE_KEY } from "../test-fixtures/azurite-global-setup.js";
import { makeTempDir } from "../test-fixtures/temp-dir.js";
import { accountKeyFor } from "./connection-string.js";
import { AzureBlobStore, openBlobStore } from "./index.js";

const accountUrl = inject("azuriteAccountUrl");
const connectionString = inject("azuriteConnectionString");
const env = { AZURE_STORAGE_CONNECTION_STRING: connectionString };

describe("openBlobStore", () => {
  it("opens a folder for a path", async () => {
    const dir = await makeTempDir();
    const store = await openBlobStore(`${dir}/out`, { createIfNotExists: true });
    expect(store).toBeInstanceOf(FolderBlobStore);
    expect(store.location).toBe(`${dir}/out`);
  });

  it("uses the connection string's account key when it names the same account and endpoint", async () => {
    const location = `${accountUrl}/c-${randomUUID()}/models/v1`;
    const store = await openBlobStore(location, { env, createIfNotExists: true });
    expect(store).toBeInstanceOf(AzureBlobStore);
    expect((store as AzureBlobStore).credentialSource).toBe("the account key from AZURE_STORAGE_CONNECTION_STRING");
    expect(store.location).toBe(`${location}/`);
    const { etag } = await store.put("model_1_1.onnx", new Uint8Array([1, 2]));
    expect((await store.getProperties("model_1_1.onnx")).etag).toBe(etag);
    const names: string[] = [];
    for await (const b of store.list()) names.push(b.name);
    expect(names).toEqual(["model_1_1.onnx"]);
  });

  it("falls back to DefaultAzureCredential when the connection string names another account or endpoint", async () => {
    // Over http a token credential is refused at once, naming the credential the store fell back to.
    const fellBack = /DefaultAzureCredential needs an https URL/;
    await expect(openBlobStore(`${accountUrl}/cont1`, { env: { AZURE_STORAGE_CONNECTION_STRING: connectionString.replace(/AccountName=[^;]+/, "AccountName=someoneelse") } })).rejects.toThrow(fellBack);
    await expect(openBlobStore(`${accountUrl}/cont1`, { env: {} })).rejects.toThrow(fellBack);
    await expect(openBlobStore("http://127.0.0.1:1/devstoreaccount1/cont1", { env })).rejects.toThrow(fellBack);
    const azure = await openBlobStore("https://acme.blob.core.windows.net/cont1", { env });
    expect((azure as AzureBlobStore).credentialSource).toBe("DefaultAzureCredential");
  });

  it("says that bearer tokens need https, without trying to sign in over http", async () => {
    let asked = false;
    const opening = openBlobStore(`${accountUrl}/cont1`, {
      env: {},
      credential: { getToken: async () => ((asked = true), { token: "t", expiresOnTimestamp: Date.now() + 60_000 }) },
      retryOptions: { maxTries: 1 },
    });
    await expect(opening).rejects.toMatchObject({ code: "AuthenticationFailed", message: expect.stringMatching(/needs an https URL/) });
    expect(asked).toBe(false);
  });

  it("reports an unreachable account as Unavailable naming the URL, not the key", async () => {
    const store = await openBlobStore("http://127.0.0.1:1/devstoreaccount1/cont1/p", {
      env: { AZURE_STORAGE_CONNECTION_STRING: connectionString.replace(accountUrl, "http://127.0.0.1:1/devstoreaccount1") },
      retryOptions: { maxTries: 1 },
    });
    expect((store as AzureBlobStore).credentialSource).toMatch(/account key/);
    const err = (await store.exists("x").catch((e: unknown) => e)) as Error & { code?: string };
    expect(err.code).toBe("Unavailable");
    expect(err.message).toContain("http://127.0.0.1:1/devstoreaccount1/cont1/p/");
    expect(err.message).not.toContain(AZURITE_KEY);
  });
});

describe("accountKeyFor", () => {
  const loc = (text: string): AzureBlobLocation => parseBlobLocation(text) as AzureBlobLocation;

  it("matches by account name and blob endpoint, or the public endpoint when none is given", () => {
    const prod = "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=a2V5PQ==;EndpointSuffix=core.windows.net";
    expect(accountKeyFor(loc("https://acme.blob.core.windows.net/cont1"), prod)).toEqual({ accountName: "acme", accountKey: "a2V5PQ==" });
    expect(accountKeyFor(loc("https://other.blob.core.windows.net/cont1"), prod)).toBeUndefined();
    expect(accountKeyFor(loc("https://acme.blob.core.windows.net/cont1"), "AccountName=acme")).toBeUndefined();
    expect(accountKeyFor(loc("https://acme.blob.core.windows.net/cont1"), undefined)).toBeUndefined();
    expect(accountKeyFor(loc(`${accountUrl}/cont1`), connectionString)).toMatchObject({ accountName: "devstoreaccount1" });
    expect(accountKeyFor(loc("http://127.0.0.1:10000/devstoreaccount1/cont1"), "UseDevelopmentStorage=true")).toMatchObject({ accountName: "devstoreaccount1" });
  });
});
