import { z } from "zod";

const finite = z.number().finite();

export const KernelType = z.enum(["linear", "poly", "rbf", "sigmoid"]);
export type KernelType = z.infer<typeof KernelType>;

/**
 * Exact float64 parameters of a `Pipeline(StandardScaler, OneClassSVM)` model: the `model_<D>_<S>.json`
 * sibling of an ONNX artifact (see fixtures/README.md). Support vectors are already in scaled space.
 * Unknown keys are ignored.
 */
export const ModelParams = z
  .object({
    device: z.union([z.number(), z.string()]).optional(),
    sensor: z.union([z.number(), z.string()]).optional(),
    source: z.string().optional(),
    nFeatures: z.number().int().positive(),
    scaler: z.object({
      mean: z.array(finite),
      scale: z.array(finite.refine((v) => v !== 0, "scale must not be 0")),
    }),
    svm: z.object({
      kernel: KernelType,
      gamma: finite,
      coef0: finite.default(0),
      degree: z.number().int().nonnegative().default(3),
      supportVectors: z.array(z.array(finite)).min(1),
      dualCoef: z.array(finite).min(1),
      rho: finite,
      nu: finite.optional(),
    }),
  })
  .superRefine((p, ctx) => {
    const n = p.nFeatures;
    if (p.scaler.mean.length !== n)
      ctx.addIssue({ code: "custom", path: ["scaler", "mean"], message: `has ${p.scaler.mean.length} values, expected nFeatures = ${n}` });
    if (p.scaler.scale.length !== n)
      ctx.addIssue({ code: "custom", path: ["scaler", "scale"], message: `has ${p.scaler.scale.length} values, expected nFeatures = ${n}` });
    p.svm.supportVectors.forEach((sv, i) => {
      if (sv.length !== n)
        ctx.addIssue({ code: "custom", path: ["svm", "supportVectors", i], message: `has ${sv.length} values, expected nFeatures = ${n}` });
    });
    if (p.svm.dualCoef.length !== p.svm.supportVectors.length)
      ctx.addIssue({
        code: "custom",
        path: ["svm", "dualCoef"],
        message: `has ${p.svm.dualCoef.length} values, expected one per support vector (${p.svm.supportVectors.length})`,
      });
  });
export type ModelParams = z.infer<typeof ModelParams>;
