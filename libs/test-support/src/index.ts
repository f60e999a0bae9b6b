export { requireTestFramework } from "./test-framework.js";
export type { TestFramework } from "./test-framework.js";
export { seededRandom } from "./seeded-random.js";
