import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FolderModelStore } from "./index.js";
import { REFERENCE_MODELS } from "./test-fixtures/paths.js";
import { describeModelStore } from "./testing/index.js";

describeModelStore(
  "folder",
  async (files) => {
    const dir = await mkdtemp(join(tmpdir(), "fleetscore-store-"));
    await Promise.all(files.map((f) => writeFile(join(dir, f.name), f.bytes)));
    return FolderModelStore.create(dir);
  },
  { framework: { describe, it, expect }, seedFolder: REFERENCE_MODELS },
);

it("describeModelStore says how to pass the framework hooks when they are missing", () => {
  expect(() => describeModelStore("x", async () => FolderModelStore.create(REFERENCE_MODELS), undefined as never)).toThrow(
    /options.framework is missing[\s\S]*\{ framework: \{ describe, it, expect \}/,
  );
});
