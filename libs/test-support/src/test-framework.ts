/**
 * The hooks of the test framework that runs a conformance suite (`describeBlobStore`, `describeModelStore`,
 * `describeAggregateStore`, `describeScoringEngine`), passed in by the caller so that no lib ships a
 * test-framework dependency (as typescript-eslint's `RuleTester` takes `describe`/`it`). vitest's and jest's
 * `describe`, `it` and `expect` fit as they are. `Matchers` is what a suite calls on `expect(...)`.
 */
export interface TestFramework<Matchers = { toBe(expected: unknown): void; toEqual(expected: unknown): void }> {
  /** Groups tests under a name. */
  readonly describe: (name: string, body: () => void) => void;
  /** Declares one asynchronous test, with an optional timeout. */
  readonly it: (name: string, body: () => Promise<void>, timeoutInMs?: number) => void;
  /** Starts an assertion. */
  readonly expect: (actual: unknown, message?: string) => Matchers;
}

const HOOKS = ["describe", "it", "expect"] as const;

/**
 * Returns `framework` when it has every hook.
 * @param suite The suite, for the message: `describeBlobStore("folder")`.
 * @param example How to call it with the hooks, for the message, e.g.
 *   `describeBlobStore("folder", openStore, { framework: { describe, it, expect } })`.
 * @throws TypeError naming the missing hooks and showing how to pass them.
 */
export function requireTestFramework<Matchers>(framework: unknown, suite: string, example: string): TestFramework<Matchers> {
  const given = typeof framework === "object" && framework !== null ? (framework as Record<string, unknown>) : undefined;
  const missing = HOOKS.filter((h) => typeof given?.[h] !== "function");
  if (missing.length === 0) return framework as TestFramework<Matchers>;
  const what = given === undefined ? "options.framework is missing" : `options.framework has no ${missing.map((h) => `\`${h}\``).join(", ")} function`;
  throw new TypeError(
    `${suite}: ${what}. The suite does not import a test framework; pass its hooks in, e.g. with vitest:\n` +
      `  import { describe, it, expect } from "vitest";\n` +
      `  ${example}`,
  );
}
