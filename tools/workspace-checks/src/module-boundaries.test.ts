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

  it("keeps cloud and native SDKs inside their adapter", async () => {
    const sdkNone = await lintProbe("libs/model-store/src/probe.ts", 'import ort from "onnxruntime-node";\nexport const x = ort;\n');
    expect(sdkNone.join("\n")).toMatch(/sdk:none.*not allowed to import "onnxruntime-node"/);
    const outsideSubpath = await lintProbe("libs/svm-scoring/src/probe.ts", 'import ort from "onnxruntime-node";\nexport const x = ort;\n');
    expect(outsideSubpath.join("\n")).toMatch(/only under libs\/svm-scoring\/src\/onnx/);
    const insideSubpath = await lintProbe("libs/svm-scoring/src/onnx/probe.ts", 'import ort from "onnxruntime-node";\nexport const x = ort;\n');
    expect(insideSubpath).toEqual([]);
    const azureOutside = await lintProbe("libs/storage/src/probe.ts", 'import { BlobServiceClient } from "@azure/storage-blob";\nexport const x = BlobServiceClient;\n');
    expect(azureOutside.length, "@azure/* outside libs/storage/src/azure").toBeGreaterThan(0);
    const azureInside = await lintProbe("libs/storage/src/azure/probe.ts", 'import { BlobServiceClient } from "@azure/storage-blob";\nexport const x = BlobServiceClient;\n');
    expect(azureInside).toEqual([]);
    const azureElsewhere = await lintProbe("libs/model-store/src/probe.ts", 'import { BlobServiceClient } from "@azure/storage-blob";\nexport const x = BlobServiceClient;\n');
    expect(azureElsewhere.join("\n")).toMatch(/sdk:none.*not allowed to import "@azure\/storage-blob"/);
    const monitorOutside = await lintProbe("libs/log-monitor/src/probe.ts", 'import { AzureMonitorLogExporter } from "@azure/monitor-opentelemetry-exporter";\nexport const x = AzureMonitorLogExporter;\n');
    expect(monitorOutside.join("\n")).toMatch(/only under libs\/log-monitor\/src\/appinsights/);
    const monitorInside = await lintProbe("libs/log-monitor/src/appinsights/probe.ts", 'import { AzureMonitorLogExporter } from "@azure/monitor-opentelemetry-exporter";\nexport const x = AzureMonitorLogExporter;\n');
    expect(monitorInside).toEqual([]);
  });

  it("keeps the Azure ML management SDK in pipeline-publisher, and data-plane SDKs out of it", async () => {
    const aml = 'import { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";\nexport const x = AzureMachineLearningWorkspaces;\n';
    expect(await lintProbe("libs/pipeline-publisher/src/probe.ts", aml)).toEqual([]);
    expect((await lintProbe("libs/storage/src/azure/probe.ts", aml)).join("\n")).toMatch(/sdk:azure-storage.*not allowed to import "@azure\/arm-machinelearning"/);
    const blob = 'import { BlobServiceClient } from "@azure/storage-blob";\nexport const x = BlobServiceClient;\n';
    expect((await lintProbe("libs/pipeline-publisher/src/probe.ts", blob)).join("\n")).toMatch(/sdk:azure-ml.*not allowed to import "@azure\/storage-blob"/);
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
