import { describe, expect, it, vi } from "vitest";
import { loadArtifact, REFERENCE_MODELS } from "./test-fixtures/fixtures.js";

// The native binding failing to load (missing libonnxruntime.so, wrong platform, ...) cannot be
// produced for real on a machine where it works, so this file makes the "./onnx" subpath fail to import.
vi.doMock("./onnx/index.js", () => {
  throw new Error("libonnxruntime.so.1: cannot open shared object file: No such file or directory");
});

const { createScoringEngine, isScoringError } = await import("./index.js");

describe("when onnxruntime-node's native binding does not load", () => {
  it("the onnx engine is unavailable, and the error says why", async () => {
    const e = await createScoringEngine("onnx").then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isScoringError(e)).toBe(true);
    expect(e).toMatchObject({ code: "EngineUnavailable" });
    expect((e as Error).message).toContain("The onnx engine is unavailable: onnxruntime-node's native binding failed to load");
    expect((e as Error).message).toContain("libonnxruntime.so.1: cannot open shared object file");
    expect((e as Error).message).toContain("Use the ts engine");
  });

  it("auto scores .onnx-only models with the ts engine", async () => {
    const engine = await createScoringEngine("auto");
    const session = await engine.load(await loadArtifact(REFERENCE_MODELS, "3_1", { params: false }));
    expect(session).toMatchObject({ engine: "ts", parameters: "onnx" });
    expect(await session.score(new Float64Array([1, 2, 3]))).toHaveLength(3);
  });
});
