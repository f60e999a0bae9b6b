import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ModelFiles } from "./model-files.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setUp(models: number): { paths: string[]; files: ModelFiles } {
  const dir = mkdtempSync(join(tmpdir(), "model-files-"));
  dirs.push(dir);
  const paths = Array.from({ length: models }, (_, i) => join(dir, `preds_${i}.csv.partial`));
  return { paths, files: new ModelFiles(paths, Buffer.from("H\n")) };
}

describe("ModelFiles", () => {
  it("writes each model's lines after one header, in append order, across many buffer flushes", () => {
    const { paths, files } = setUp(3);
    const expected = ["H\n", "H\n", ""];
    for (let i = 0; i < 5_000; i++) {
      const m = i % 2;
      const line = Buffer.from(`line ${i} of model ${m}\n`);
      // From the middle of a bigger buffer, as the scorer hands over one model's part of a chunk.
      const src = Buffer.concat([Buffer.from("xx"), line, Buffer.from("yy")]);
      files.append(m, src, 2, 2 + line.length);
      expected[m] += line.toString();
    }
    expect(files.finish()).toEqual([]);
    expect(readFileSync(paths[0]!, "latin1")).toBe(expected[0]);
    expect(readFileSync(paths[1]!, "latin1")).toBe(expected[1]);
    expect(expected[0]!.length).toBeGreaterThan(3 * 16 * 1024);
    expect(existsSync(paths[2]!)).toBe(false);
  });

  it("drops a failed model's buffered lines and writes nothing more for it", () => {
    const { paths, files } = setUp(2);
    files.append(0, Buffer.from("a\n"), 0, 2);
    files.append(1, Buffer.from("b\n"), 0, 2);
    files.drop(1);
    files.append(1, Buffer.from("c\n"), 0, 2);
    files.finish();
    expect(readFileSync(paths[0]!, "latin1")).toBe("H\na\n");
    expect(existsSync(paths[1]!)).toBe(false);
  });

  it("reports a model whose file cannot be written as OutputFailed, naming the file", () => {
    const { paths, files } = setUp(1);
    const missing = new ModelFiles([join(paths[0]!, "..", "no-such-folder", "x.partial")], Buffer.from("H\n"));
    missing.append(0, Buffer.from("a\n"), 0, 2);
    const failures = missing.finish();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ modelIndex: 0, code: "OutputFailed" });
    expect(failures[0]!.message).toContain("no-such-folder");
    files.closeAll();
  });
});
