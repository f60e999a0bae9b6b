import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
/** Inside the workspace so that `@fleetscore/*` and npm packages resolve as they do for users. */
const SNIPPETS = join(ROOT, "tools/workspace-checks/.readme-snippets");

/** Values the examples use without defining them (they stand for the reader's own data). */
const PREAMBLE = [
  'declare const artifact: import("@fleetscore/contracts").ModelArtifact;',
  "declare const jsonText: string;",
  "export {};",
].join("\n");

async function readmes(): Promise<string[]> {
  const out: string[] = [];
  for (const group of ["libs", "apps"]) {
    for (const dir of await readdir(join(ROOT, group))) out.push(join(group, dir, "README.md"));
  }
  return out;
}

afterAll(async () => {
  await rm(SNIPPETS, { recursive: true, force: true });
});

describe("README examples", () => {
  it("compile against the packages' public entries, with the workspace's strict settings", async () => {
    await mkdir(SNIPPETS, { recursive: true });
    const files: string[] = [];
    for (const readme of await readmes()) {
      const text = await readFile(join(ROOT, readme), "utf8").catch(() => "");
      const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
      // A README's ts blocks form one example: an import line block may precede the usage block.
      if (blocks.length === 0) continue;
      const file = join(SNIPPETS, `${readme.replace(/\/README\.md$/, "").replace(/\//g, "-")}.ts`);
      await writeFile(file, `${PREAMBLE}\n${blocks.join("\n")}`);
      files.push(file);
    }
    expect(files.length).toBeGreaterThanOrEqual(5);
    const program = ts.createProgram(files, {
      strict: true,
      noUncheckedIndexedAccess: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      customConditions: ["@fleetscore/source"],
      types: ["node"],
      skipLibCheck: true,
      noEmit: true,
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.includes(d.file.fileName))
      .map((d) => {
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${d.file!.fileName.slice(SNIPPETS.length + 1)}:${line + 1 - PREAMBLE.split("\n").length}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      });
    expect(problems).toEqual([]);
  });
});
