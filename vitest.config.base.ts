import { basename, resolve } from "node:path";
import { defineConfig, type ViteUserConfig } from "vitest/config";

/**
 * Shared vitest settings for every project. Each project's `vitest.config.ts` calls this with its own
 * directory so tests resolve sibling packages to their TypeScript sources (the "@fleetscore/source"
 * export condition) and need no prior build.
 *
 * When FLEETSCORE_TEST_REPORT_DIR is set (CI does), each project also writes a JSON report there so
 * .ci/run can print one `N passed, N failed` line across all projects.
 */
export function defineProjectConfig(projectDir: string, overrides: ViteUserConfig["test"] = {}): ViteUserConfig {
  const reportDir = process.env["FLEETSCORE_TEST_REPORT_DIR"];
  const projectName = basename(projectDir);
  return defineConfig({
    root: projectDir,
    resolve: { conditions: ["@fleetscore/source"] },
    ssr: { resolve: { conditions: ["@fleetscore/source"] } },
    test: {
      name: projectName,
      include: ["src/**/*.test.ts"],
      environment: "node",
      testTimeout: 30_000,
      hookTimeout: 60_000,
      reporters: reportDir
        ? ["default", ["json", { outputFile: resolve(reportDir, `${projectName}.json`) }]]
        : ["default"],
      ...overrides,
    },
  });
}
