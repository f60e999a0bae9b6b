import { describe, expect, it } from "vitest";
import { credentialInLocation, redactCredentials } from "./index.js";

describe("redactCredentials", () => {
  it("masks URL passwords, SAS signatures and connection-string keys, nothing else", () => {
    expect(redactCredentials("open postgres://app:s3cret@h:5432/db failed")).toBe("open postgres://app:***@h:5432/db failed");
    expect(redactCredentials("https://a.blob/c/d.csv?sv=2022&sig=abc%2Fdef&se=x")).toBe("https://a.blob/c/d.csv?sv=2022&sig=***&se=x");
    expect(redactCredentials("DefaultEndpointsProtocol=http;AccountName=dev;AccountKey=Eby8==;BlobEndpoint=x")).toBe("DefaultEndpointsProtocol=http;AccountName=dev;AccountKey=***;BlobEndpoint=x");
    expect(redactCredentials("Endpoint=sb://n/;SharedAccessKeyName=k;SharedAccessKey=zz")).toBe("Endpoint=sb://n/;SharedAccessKeyName=k;SharedAccessKey=***");
    expect(redactCredentials("data/reference/sensor_data.csv, http://127.0.0.1:10000/dev/c")).toBe("data/reference/sensor_data.csv, http://127.0.0.1:10000/dev/c");
  });
});

describe("credentialInLocation", () => {
  it("refuses user info or a query string in an http(s) URL only", () => {
    expect(credentialInLocation("https://u:p@acct.blob.core.windows.net/c")).toMatch(/user info/);
    expect(credentialInLocation("http://127.0.0.1:10000/dev/c/d.csv?sv=1&sig=x")).toMatch(/SAS/);
    expect(credentialInLocation("http://127.0.0.1:10000/dev/c")).toBeUndefined();
    expect(credentialInLocation("postgres://u:p@h/db")).toBeUndefined();
    expect(credentialInLocation("./models")).toBeUndefined();
  });
});
