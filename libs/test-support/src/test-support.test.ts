import { describe, expect, it } from "vitest";
import { requireTestFramework, seededRandom } from "./index.js";

describe("requireTestFramework", () => {
  it("returns a framework with every hook", () => {
    const framework = { describe, it, expect };
    expect(requireTestFramework(framework, "suite", "example")).toBe(framework);
  });

  it("names the missing hooks and shows how to pass them", () => {
    expect(() => requireTestFramework({ describe }, 'describeX("a")', "describeX(...)")).toThrow(/describeX\("a"\): options.framework has no `it`, `expect` function[\s\S]*import \{ describe, it, expect \} from "vitest"/);
    expect(() => requireTestFramework(undefined, "s", "e")).toThrow(/options.framework is missing/);
  });
});

describe("seededRandom", () => {
  it("gives the same sequence for a seed, in [0, 1), and another for another seed", () => {
    const a = Array.from({ length: 1000 }, seededRandom(7));
    expect(Array.from({ length: 1000 }, seededRandom(7))).toEqual(a);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(a).size).toBeGreaterThan(990);
    expect(Array.from({ length: 10 }, seededRandom(8))).not.toEqual(a.slice(0, 10));
  });
});
