import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { ContainerClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { describe, expect, inject, it } from "vitest";
import { isBlobStoreError } from "../index.js";
import { AZURITE_ACCOUNT, AZURITE_KEY } from "../test-fixtures/azurite-global-setup.js";
import { describeBlobStore } from "../testing/index.js";
import { AzureBlobStore } from "./index.js";

const accountUrl = inject("azuriteAccountUrl");
const credential = new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY);

async function freshContainer(): Promise<ContainerClient> {
  const container = new ContainerClient(`${accountUrl}/t-${randomUUID()}`, credential);
  await container.create();
  return container;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describeBlobStore("azure (Azurite)", async () => new AzureBlobStore(await freshContainer(), { listPageSize: 50 }), {
  framework: { describe, it, expect },
});
describeBlobStore("azure (Azurite) under a prefix", async () => new AzureBlobStore(await freshContainer(), { prefix: "tenant/x/", listPageSize: 70 }), {
  framework: { describe, it, expect },
  manyBlobs: 150,
});

describe("AzureBlobStore", () => {
  it("keeps blobs under its prefix, and names the container URL and prefix as its location", async () => {
    const container = await freshContainer();
    const store = new AzureBlobStore(container, { prefix: "runs/" });
    expect(store.location).toBe(`${container.url}/runs/`);
    await store.put("r1/_manifest.json", new TextEncoder().encode("{}"));
    expect(await container.getBlobClient("runs/r1/_manifest.json").exists()).toBe(true);
    await container.getBlockBlobClient("outside.txt").uploadData(Buffer.from("x"));
    const names: string[] = [];
    for await (const b of store.list()) names.push(b.name);
    expect(names).toEqual(["r1/_manifest.json"]);
    expect(() => new AzureBlobStore(container, { prefix: "no-slash" })).toThrow(/must end with "\/"/);
  });

  it("reports a missing container as InvalidLocation and can create it", async () => {
    const container = new ContainerClient(`${accountUrl}/t-${randomUUID()}`, credential);
    const store = new AzureBlobStore(container);
    await expect(store.put("a", new Uint8Array([1]))).rejects.toMatchObject({ code: "InvalidLocation", message: expect.stringMatching(/container does not exist/) });
    expect(await store.exists("a")).toBe(false);
    expect(await store.createContainerIfNotExists()).toBe(true);
    await store.put("a", new Uint8Array([1]));
    expect(await store.exists("a")).toBe(true);
  });

  it("maps a wrong account key to AuthenticationFailed without printing the key", async () => {
    const container = await freshContainer();
    const wrongKey = Buffer.alloc(64, 7).toString("base64");
    const store = new AzureBlobStore(new ContainerClient(container.url, new StorageSharedKeyCredential(AZURITE_ACCOUNT, wrongKey)), {
      credentialSource: "a test key",
    });
    const err = await store.get("a").catch((e: unknown) => e);
    expect(isBlobStoreError(err) && err.code).toBe("AuthenticationFailed");
    expect((err as Error).message).toMatch(/HTTP 403.*a test key/);
    expect((err as Error).message).not.toContain(wrongKey);
    expect((err as Error).cause).toBeDefined();
  });

  it("maps an unreachable service to Unavailable, naming the URL", async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}/nothing-here`;
    const store = new AzureBlobStore(new ContainerClient(url, credential, { retryOptions: { maxTries: 1 } }));
    const err = await store.get("a.txt").catch((e: unknown) => e);
    expect(isBlobStoreError(err) && err.code).toBe("Unavailable");
    expect((err as Error).message).toContain(`Azure Blob Storage at ${url} is unreachable (ECONNREFUSED)`);
    expect((err as Error).message).not.toContain(AZURITE_KEY);
    await expect(store.put("a.txt", new Uint8Array([1]))).rejects.toMatchObject({ code: "Unavailable" });
    await expect(
      (async () => {
        for await (const _ of store.list()) {
          /* nothing */
        }
      })(),
    ).rejects.toMatchObject({ code: "Unavailable" });
  });
});
