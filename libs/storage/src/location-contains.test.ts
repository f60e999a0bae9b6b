import { mkdir, mkdtemp, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { locationContains } from "./location-contains.js";
import { parseBlobLocation } from "./location.js";

const contains = (outer: string, inner: string): boolean => locationContains(parseBlobLocation(outer), parseBlobLocation(inner));

describe("locationContains", () => {
  it("finds a folder that is, or is below, another, through links and before it exists", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fleetscore-contains-"));
    await mkdir(join(dir, "models"));
    await symlink(join(dir, "models"), join(dir, "link"));
    expect(contains(join(dir, "models"), join(dir, "models"))).toBe(true);
    expect(contains(join(dir, "models"), join(dir, "models", "out", "not-yet"))).toBe(true);
    expect(contains(join(dir, "models"), join(dir, "link", "out"))).toBe(true);
    expect(contains(join(dir, "models"), `${join(dir, "models")}/../models/x`)).toBe(true);
    expect(contains(join(dir, "models"), join(dir, "models-out"))).toBe(false);
    expect(contains(join(dir, "models"), dir)).toBe(false);
  });

  it("finds a Blob prefix under another in the same container only", () => {
    const account = "http://127.0.0.1:10000/devstoreaccount1";
    expect(contains(`${account}/models`, `${account}/models/runs`)).toBe(true);
    expect(contains(`${account}/models/v1`, `${account}/models/v1/out`)).toBe(true);
    expect(contains(`${account}/models/v1`, `${account}/models/v2`)).toBe(false);
    expect(contains(`${account}/models`, `${account}/out`)).toBe(false);
    expect(contains(`${account}/models`, "/tmp/out")).toBe(false);
  });
});
