import { isFleetscoreError } from "@fleetscore/contracts";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BlobStoreError, FolderBlobStore, isBlobStoreError } from "./index.js";
import { makeTempDir } from "./test-fixtures/temp-dir.js";
import { describeBlobStore } from "./testing/index.js";

describeBlobStore("folder", async () => FolderBlobStore.create(await makeTempDir()), { framework: { describe, it, expect } });

it("describeBlobStore says how to pass the framework hooks when they are missing", () => {
  expect(() => describeBlobStore("x", async () => FolderBlobStore.create("."), undefined as never)).toThrow(/options.framework is missing[\s\S]*\{ framework: \{ describe, it, expect \}/);
});

describe("FolderBlobStore", () => {
  it("maps names to files under the folder and leaves no temporary files", async () => {
    const dir = await makeTempDir();
    const store = await FolderBlobStore.create(dir);
    expect(store.location).toBe(dir);
    await store.put("models/v1/a.onnx", new Uint8Array([1, 2, 3]));
    await store.put("models/v1/a.onnx", new Uint8Array([4]));
    expect(await readdir(join(dir, "models/v1"))).toEqual(["a.onnx"]);
  });

  it("sees files written by others, and skips folders when listing", async () => {
    const dir = await makeTempDir();
    await mkdir(join(dir, "x/empty"), { recursive: true });
    await writeFile(join(dir, "x/file.txt"), "hi");
    const store = await FolderBlobStore.create(dir);
    const names: string[] = [];
    for await (const b of store.list()) names.push(b.name);
    expect(names).toEqual(["x/file.txt"]);
    expect(Buffer.from(await store.get("x/file.txt")).toString()).toBe("hi");
  });

  it("rejects a missing folder with InvalidLocation unless asked to create it", async () => {
    const missing = join(await makeTempDir(), "not/there");
    const err = await FolderBlobStore.create(missing).catch((e: unknown) => e);
    expect(isBlobStoreError(err) && err.code).toBe("InvalidLocation");
    expect((err as Error).message).toContain(missing);
    const store = await FolderBlobStore.create(missing, { createIfNotExists: true });
    expect(await store.exists("a")).toBe(false);
    const file = join(missing, "f");
    await writeFile(file, "x");
    await expect(FolderBlobStore.create(file)).rejects.toMatchObject({ code: "InvalidLocation" });
  });

  it("reports a blob whose name is used as a folder as InvalidName on put and BlobNotFound on get", async () => {
    const store = await FolderBlobStore.create(await makeTempDir());
    await store.put("a/b", new Uint8Array([1]));
    await expect(store.put("a", new Uint8Array([1]))).rejects.toMatchObject({ code: "InvalidName" });
    await expect(store.get("a")).rejects.toMatchObject({ code: "BlobNotFound" });
    await store.put("f", new Uint8Array([1]));
    await expect(store.put("f/g", new Uint8Array([1]))).rejects.toMatchObject({ code: "InvalidName" });
    await expect(store.get("f/g")).rejects.toMatchObject({ code: "BlobNotFound" });
  });

  it("serialises conditional puts across two store instances on the same folder", async () => {
    const dir = await makeTempDir();
    const [a, b] = [await FolderBlobStore.create(dir), await FolderBlobStore.create(dir)];
    const { etag } = await a.put("p", new Uint8Array([0]));
    const results = await Promise.allSettled([a, b, a, b].map((s, i) => s.put("p", new Uint8Array([i + 1]), { ifMatch: etag })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });
});

describe("BlobStoreError", () => {
  it("is a FleetscoreError with a code and the cause, recognised by class and code, never by name", () => {
    const cause = new Error("inner");
    const err = new BlobStoreError("outer", "Unavailable", { cause });
    expect(err.cause).toBe(cause);
    expect(err.name).toBe("BlobStoreError");
    expect(isBlobStoreError(err)).toBe(true);
    expect(isFleetscoreError(err, "Unavailable")).toBe(true);
    expect(isFleetscoreError(err, "BlobNotFound")).toBe(false);
    expect(isBlobStoreError(Object.assign(new Error("x"), { name: "BlobStoreError" }))).toBe(false);
    expect(isBlobStoreError(new Error("x"))).toBe(false);
  });
});
