export { OnnxScoringEngine } from "./onnx-scoring-engine.js";
