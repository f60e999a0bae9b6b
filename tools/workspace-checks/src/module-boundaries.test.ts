import { readFile, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");

/** Lints a probe file that is never written to disk, as if it lived at `filePath`. */
async function lintProbe(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  return result!.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

/** A probe importing something of `pkg` (the rules look at the package, not the name imported). */
const importOf = (pkg: string): string => `import * as sdk from "${pkg}";\nexport const x = sdk;\n`;

/**
 * Cloud and native SDKs stay inside their adapter, and each adapter imports only its own SDK: a probe at
 * the path, importing the package, is allowed or refused with a message matching the pattern.
 */
const SDK_PROBES: [filePath: string, pkg: string, expected: "allowed" | RegExp][] = [
  ["libs/model-store/src/probe.ts", "onnxruntime-node", /sdk:none.*not allowed to import "onnxruntime-node"/],
  ["libs/svm-scoring/src/probe.ts", "onnxruntime-node", /only under libs\/svm-scoring\/src\/onnx/],
  ["libs/svm-scoring/src/onnx/probe.ts", "onnxruntime-node", "allowed"],
  ["libs/storage/src/probe.ts", "@azure/storage-blob", /only under libs\/storage\/src\/azure/],
  ["libs/storage/src/azure/probe.ts", "@azure/storage-blob", "allowed"],
  ["libs/model-store/src/probe.ts", "@azure/storage-blob", /sdk:none.*not allowed to import "@azure\/storage-blob"/],
  ["libs/log-monitor/src/probe.ts", "@azure/monitor-opentelemetry-exporter", /only under libs\/log-monitor\/src\/appinsights/],
  ["libs/log-monitor/src/appinsights/probe.ts", "@azure/monitor-opentelemetry-exporter", "allowed"],
  ["libs/pipeline-publisher/src/probe.ts", "@azure/arm-machinelearning", "allowed"],
  ["libs/storage/src/azure/probe.ts", "@azure/arm-machinelearning", /sdk:azure-storage.*not allowed to import "@azure\/arm-machinelearning"/],
  ["libs/pipeline-publisher/src/probe.ts", "@azure/storage-blob", /sdk:azure-ml.*not allowed to import "@azure\/storage-blob"/],
];

describe("module boundaries (eslint.config.mjs)", () => {
  it("keeps contracts free of other libs", async () => {
    const errors = await lintProbe("libs/contracts/src/probe.ts", 'import { createLogger } from "@fleetscore/logger";\nexport const x = createLogger;\n');
    expect(errors.join("\n")).toMatch(/type:contracts.*cannot depend on any libs/);
  });

  it("keeps libs from importing apps", async () => {
    const errors = await lintProbe("libs/logger/src/probe.ts", 'import { runCli } from "@fleetscore/scorer";\nexport const x = runCli;\n');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join("\n")).toMatch(/enforce-module-boundaries/);
  });

  it.each(SDK_PROBES)("%s importing %s: %s", async (filePath, pkg, expected) => {
    const errors = await lintProbe(filePath, importOf(pkg));
    if (expected === "allowed") expect(errors).toEqual([]);
    else expect(errors.join("\n")).toMatch(expected);
  });

  it("makes apps import libs through their package entry, not by path", async () => {
    const errors = await lintProbe("apps/scorer/src/probe.ts", 'import { x } from "../../../libs/model-store/src/index.js";\nexport const y = x;\n');
    expect(errors.join("\n")).toMatch(/relative or absolute path/);
  });
});

describe("package layout", () => {
  it("gives every lib and app a scoped name, a tag, an exports map with types, and a README", async () => {
    const dirs = [
      ...(await readdir(join(ROOT, "libs"))).map((d) => `libs/${d}`),
      ...(await readdir(join(ROOT, "apps"))).map((d) => `apps/${d}`),
    ];
    expect(dirs.length).toBeGreaterThanOrEqual(6);
    for (const dir of dirs) {
      const pkg = JSON.parse(await readFile(join(ROOT, dir, "package.json"), "utf8"));
      expect(pkg.name, dir).toMatch(/^@fleetscore\/[a-z-]+$/);
      expect(pkg.nx?.tags?.some((t: string) => t.startsWith("type:")), dir).toBe(true);
      expect(pkg.exports?.["."]?.types, dir).toMatch(/^\.\/dist\/.*\.d\.ts$/);
      expect((await readFile(join(ROOT, dir, "README.md"), "utf8")).length, dir).toBeGreaterThan(200);
    }
  });
});
