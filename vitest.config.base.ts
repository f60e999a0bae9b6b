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
      // A last guard, not a speed check: tests wait on events and states, and CLI-driven tests spawn several
      // processes, which on a busy 2-core machine can take far longer than on a quiet one.
      testTimeout: 120_000,
      hookTimeout: 180_000,
      reporters: reportDir
        ? ["default", ["json", { outputFile: resolve(reportDir, `${projectName}.json`) }]]
        : ["default"],
      ...overrides,
    },
  });
}
