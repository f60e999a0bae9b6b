export { describeScoringEngine } from "./describe-scoring-engine.js";
export type { DescribeScoringEngineOptions, ScoreOracle } from "./describe-scoring-engine.js";
export type { TestFramework } from "./test-framework.js";
