/**
 * The hooks of the test framework that runs a conformance suite, passed in by the caller so that the lib
 * ships no test-framework dependency (as typescript-eslint's `RuleTester` takes `describe`/`it`).
 * vitest's and jest's `describe`, `it` and `expect` fit as they are.
 */
export interface TestFramework {
  /** Groups tests under a name. */
  readonly describe: (name: string, body: () => void) => void;
  /** Declares one asynchronous test. */
  readonly it: (name: string, body: () => Promise<void>) => void;
  /** Starts an assertion; the suites use only `toEqual` (they compare a list of problems with `[]`). */
  readonly expect: (actual: unknown, message?: string) => { toEqual(expected: unknown): void };
}

const HOOKS = ["describe", "it", "expect"] as const;

/**
 * Returns `framework` when it has every hook.
 * @param call How the suite was called, for the message: `describeScoringEngine("ts", createEngine, {`.
 * @throws TypeError naming the missing hooks and showing how to pass them.
 */
export function requireTestFramework(framework: unknown, suite: string, call: string): TestFramework {
  const given = typeof framework === "object" && framework !== null ? (framework as Record<string, unknown>) : undefined;
  const missing = HOOKS.filter((h) => typeof given?.[h] !== "function");
  if (missing.length === 0) return framework as TestFramework;
  const what = given === undefined ? "options.framework is missing" : `options.framework has no ${missing.map((h) => `\`${h}\``).join(", ")} function`;
  throw new TypeError(
    `${suite}: ${what}. The suite does not import a test framework; pass its hooks in, e.g. with vitest:\n` +
      `  import { describe, it, expect } from "vitest";\n` +
      `  ${call} framework: { describe, it, expect }, models, tolerance });`,
  );
}
