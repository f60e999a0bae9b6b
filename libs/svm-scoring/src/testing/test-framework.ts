import { requireTestFramework as requireHooks, type TestFramework as BaseTestFramework } from "@fleetscore/test-support";

/**
 * The test-framework hooks the suites need; they only call `toEqual` (comparing a list of problems with `[]`).
 * vitest's and jest's `describe`, `it` and `expect` fit as they are.
 */
export type TestFramework = BaseTestFramework<{ toEqual(expected: unknown): void }>;

/**
 * Returns `framework` when it has every hook.
 * @param call How the suite was called, for the message: `describeScoringEngine("ts", createEngine, {`.
 * @throws TypeError naming the missing hooks and showing how to pass them.
 */
export function requireTestFramework(framework: unknown, suite: string, call: string): TestFramework {
  return requireHooks(framework, suite, `${call} framework: { describe, it, expect }, models, tolerance });`);
}
