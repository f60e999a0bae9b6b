export { requireTestFramework } from "./test-framework.js";
export type { TestFramework } from "./test-framework.js";
export { seededRandom } from "./seeded-random.js";
export { failureOf } from "./failure-of.js";
export type { Failure } from "./failure-of.js";
export { startNodeProcess } from "./run-node.js";
export type { NodeProcessResult, StartedNodeProcess } from "./run-node.js";
export { REFERENCE_DATA, REFERENCE_MODELS, SHARED_FIXTURES } from "./shared-fixtures.js";
