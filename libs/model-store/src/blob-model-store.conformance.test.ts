import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FolderBlobStore } from "@fleetscore/storage";
import { describe, expect, it } from "vitest";
import { BlobModelStore, pushModelVersion } from "./index.js";
import { newAzuriteLocation } from "./test-fixtures/azurite.js";
import { REFERENCE_MODELS } from "./test-fixtures/paths.js";
import { describeModelStore, type SeedFile } from "./testing/index.js";

async function seedDir(files: readonly SeedFile[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "fleetscore-seed-"));
  await Promise.all(files.map((f) => writeFile(join(dir, f.name), f.bytes)));
  return dir;
}

describeModelStore(
  "versioned, folder-backed BlobStore",
  async (files) => {
    const blobs = await FolderBlobStore.create(await mkdtemp(join(tmpdir(), "fleetscore-blobs-")));
    await pushModelVersion(await seedDir(files), blobs);
    return BlobModelStore.create(blobs);
  },
  { framework: { describe, it, expect }, seedFolder: REFERENCE_MODELS },
);

describeModelStore(
  "versioned, Azurite-backed BlobStore",
  async (files) => {
    const { store } = await newAzuriteLocation("fleet/models");
    await pushModelVersion(await seedDir(files), store);
    return BlobModelStore.create(store);
  },
  { framework: { describe, it, expect }, seedFolder: REFERENCE_MODELS },
);
