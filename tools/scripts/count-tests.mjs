#!/usr/bin/env node
// Sums the vitest JSON reports of every project (written when FLEETSCORE_TEST_REPORT_DIR is set) and
// prints one closing line `N passed, N failed[, N skipped]`. A non-zero exit code of the whole test
// command (lint or typecheck failed, or a suite crashed before reporting) counts as one more failure.
// Exits non-zero when nothing ran or anything failed.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [dir, testExitCode = "0"] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
let files = [];
try {
  files = readdirSync(dir).filter((f) => f.endsWith(".json"));
} catch {
  console.error(`no test reports in ${dir}`);
}
for (const file of files) {
  const report = JSON.parse(readFileSync(join(dir, file), "utf8"));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A suite that failed to load has no tests but numFailedTestSuites > 0.
  const brokenSuites = (report.testResults ?? []).filter((s) => s.status === "failed" && (s.assertionResults ?? []).length === 0);
  failed += brokenSuites.length;
  console.log(`${file.replace(/\.json$/, "")}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`);
}
if (testExitCode !== "0" && failed === 0) {
  console.log("the test command failed outside the test suites (lint, typecheck or a crashed suite): counted as 1 failure");
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
