import { execFile } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const APPS = ["scorer", "aggregator", "simulator", "scheduler", "monitor"];

describe("the apps' bins (issue 11 item 16)", () => {
  it.each(APPS)("fleetscore-%s points at a committed file (npm links it at install, before any build)", (app) => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "apps", app, "package.json"), "utf8")) as { bin: Record<string, string>; files: string[] };
    const target = pkg.bin[`fleetscore-${app}`]!;
    expect(target).not.toMatch(/dist\//);
    expect(existsSync(join(ROOT, "apps", app, target))).toBe(true);
    expect(pkg.files).toContain(target.split("/")[1]);
  });

  it.each(APPS)("node_modules/.bin/fleetscore-%s is linked and prints the version", async (app) => {
    const bin = join(ROOT, "node_modules/.bin", `fleetscore-${app}`);
    expect(existsSync(bin), `${bin} is missing: run npm install (or npm ci)`).toBe(true);
    expect(realpathSync(bin)).toBe(realpathSync(join(ROOT, "apps", app, "bin", `fleetscore-${app}.mjs`)));
    const { stdout } = await promisify(execFile)(bin, ["--version"]);
    expect(stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, "apps", app, "package.json"), "utf8")) as { version: string }).version);
  });
});
