import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { UsageError, describeEnv, readEnv } from "./index.js";

const SECRETS = {
  AZURE_STORAGE_CONNECTION_STRING: "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=PLANTED-KEY;",
  FLEETSCORE_SQL_PASSWORD: "PLANTED-PW",
  EVENTHUB_CONNECTION_STRING: "Endpoint=sb://n/;SharedAccessKey=PLANTED-SAS",
  APPLICATIONINSIGHTS_CONNECTION_STRING: "InstrumentationKey=PLANTED-IK",
};

describe("readEnv", () => {
  it("reads every variable once, with the app's default log level, and never prints a secret", () => {
    const env = readEnv({ ...SECRETS, FLEETSCORE_MODEL_CACHE_DIR: "/tmp/cache", FLEETSCORE_LOG_LEVEL: "" }, { defaultLogLevel: "warning" });
    expect(env.FLEETSCORE_LOG_LEVEL).toBe("warning");
    expect(env.FLEETSCORE_SQL_PASSWORD).toBe("PLANTED-PW");
    for (const shown of [String(env), JSON.stringify(env), inspect(env), `${env}`]) {
      expect(shown).not.toMatch(/PLANTED/);
      expect(shown).toContain("/tmp/cache");
    }
    expect(describeEnv(process.env)).not.toHaveProperty("PATH");
  });

  it("refuses an invalid variable as a usage error naming it", () => {
    expect(() => readEnv({ FLEETSCORE_LOG_LEVEL: "loud" })).toThrow(UsageError);
    expect(() => readEnv({ FLEETSCORE_LOG_LEVEL: "loud" })).toThrow(/FLEETSCORE_LOG_LEVEL/);
  });
});
