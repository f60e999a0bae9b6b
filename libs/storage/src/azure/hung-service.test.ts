import { setLogLevel, setLogSink, type LogRecord } from "@fleetscore/logger";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type RunningAzurite } from "../testing/start-azurite.js";
import { openBlobStore } from "./index.js";

// An Azurite of its own: this file freezes it (SIGSTOP), which the project's shared one must not be.
let azurite: RunningAzurite;
let records: LogRecord[] = [];

beforeAll(async () => {
  azurite = await startAzurite();
}, 60_000);
afterAll(async () => {
  await azurite?.stop();
});
afterEach(() => {
  azurite.process.kill("SIGCONT");
  setLogSink(undefined);
  setLogLevel(undefined);
});

describe("AzureBlobStore when the service hangs (Azurite frozen with SIGSTOP)", () => {
  it("warns while a call waits, naming the operation, blob and location, then fails as Unavailable once the tries are spent", async () => {
    const env = {
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      // Short on purpose: a frozen service never answers, so no machine is too slow for these.
      FLEETSCORE_STORAGE_TRY_TIMEOUT_MS: "400",
      FLEETSCORE_STORAGE_SLOW_CALL_MS: "100",
    };
    const location = `${azurite.accountUrl}/hung`;
    const store = await openBlobStore(location, { env, createIfNotExists: true, retryOptions: { maxTries: 2, retryDelayInMs: 10 } });
    await store.put("a/blob.txt", new TextEncoder().encode("x"));
    records = [];
    setLogLevel("info");
    setLogSink((r) => records.push(r));

    azurite.process.kill("SIGSTOP");
    const failure = await store.get("a/blob.txt").then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );

    expect(failure?.code).toBe("Unavailable");
    expect(failure?.message).toContain(location);
    expect(failure?.message).toContain('"a/blob.txt"');
    expect(failure?.message).toContain("no answer within 400 ms");
    const warnings = records.filter((r) => r.level === "warning" && r.msg === "storage call still waiting");
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]!.namespace).toBe("fleetscore:storage");
    expect(warnings[0]!.fields).toMatchObject({ operation: "get", blob: "a/blob.txt", location });
  }, 60_000);

  it("is not timed out while the service answers, and a caller's abort is still an abort", async () => {
    const env = { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, FLEETSCORE_STORAGE_TRY_TIMEOUT_MS: "60000" };
    const store = await openBlobStore(`${azurite.accountUrl}/answering`, { env, createIfNotExists: true });
    await store.put("b", new TextEncoder().encode("y"));
    expect(Buffer.from(await store.get("b")).toString()).toBe("y");

    azurite.process.kill("SIGSTOP");
    const controller = new AbortController();
    const pending = store.get("b", { abortSignal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  }, 60_000);
});

describe("AzureBlobStore with one abort signal shared by many calls", () => {
  it("adds no listener to the caller's signal, so no MaxListenersExceededWarning", async () => {
    const store = await openBlobStore(`${azurite.accountUrl}/shared-signal`, { env: { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString }, createIfNotExists: true });
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on("warning", onWarning);
    try {
      const { signal } = new AbortController();
      // More calls in flight at once than EventTarget's default limit of 10 listeners.
      await Promise.all(Array.from({ length: 30 }, (_, i) => store.put(`p/${i}`, new TextEncoder().encode(String(i)), { abortSignal: signal })));
      await Promise.all(Array.from({ length: 30 }, (_, i) => store.get(`p/${i}`, { abortSignal: signal })));
      // The warning is emitted on the next tick after the 11th listener.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning").map((w) => w.message)).toEqual([]);
  }, 60_000);
});
