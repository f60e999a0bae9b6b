import { describe, expect, it } from "vitest";
import { formatBlobLocation, parseBlobLocation } from "./index.js";

describe("parseBlobLocation", () => {
  it("reads local paths and file URLs as folders", () => {
    expect(parseBlobLocation("data/models")).toEqual({ kind: "folder", path: "data/models" });
    expect(parseBlobLocation("/var/fleetscore")).toEqual({ kind: "folder", path: "/var/fleetscore" });
    expect(parseBlobLocation("file:///tmp/x")).toEqual({ kind: "folder", path: "/tmp/x" });
  });

  it("reads Azure container URLs with an optional prefix", () => {
    expect(parseBlobLocation("https://acme.blob.core.windows.net/models")).toEqual({
      kind: "azure",
      accountUrl: "https://acme.blob.core.windows.net",
      accountName: "acme",
      container: "models",
      prefix: "",
    });
    expect(parseBlobLocation("https://acme.blob.core.windows.net/fleet/models/v3/")).toMatchObject({ container: "fleet", prefix: "models/v3/" });
    expect(parseBlobLocation("https://acme.blob.core.windows.net/fleet/models/v3")).toMatchObject({ prefix: "models/v3/" });
  });

  it("reads path-style (Azurite) URLs", () => {
    const loc = parseBlobLocation("http://127.0.0.1:10000/devstoreaccount1/fleet/runs");
    expect(loc).toEqual({
      kind: "azure",
      accountUrl: "http://127.0.0.1:10000/devstoreaccount1",
      accountName: "devstoreaccount1",
      container: "fleet",
      prefix: "runs/",
    });
    expect(formatBlobLocation(loc)).toBe("http://127.0.0.1:10000/devstoreaccount1/fleet/runs/");
  });

  it.each([
    ["", /expected a folder path or an http\(s\) container URL/],
    ["s3://bucket/x", /unsupported scheme "s3:"/],
    ["https://acme.blob.core.windows.net", /no container/],
    ["https://acme.blob.core.windows.net/", /no container/],
    ["http://127.0.0.1:10000/", /path-style/],
    ["http://127.0.0.1:10000/devstoreaccount1", /no container/],
    ["https://acme.blob.core.windows.net/Bad_Container", /container name "Bad_Container" must be 3-63 lowercase/],
    ["https://acme.blob.core.windows.net/cont1/a%5Cb", /backslash/],
  ])("rejects %j with a clear InvalidLocation", (text, message) => {
    expect(() => parseBlobLocation(text)).toThrow(message);
    expect(() => parseBlobLocation(text)).toThrow(expect.objectContaining({ name: "BlobStoreError", code: "InvalidLocation" }));
  });

  it("refuses credentials in the URL without echoing them", () => {
    const sas = "sv=2024&sig=SECRETSIG";
    let message = "";
    try {
      parseBlobLocation(`https://acme.blob.core.windows.net/models?${sas}`);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/remove the query string/);
    expect(message).not.toContain("SECRETSIG");
    expect(() => parseBlobLocation("https://user:pw@acme.blob.core.windows.net/models")).toThrow(/user info/);
  });
});
