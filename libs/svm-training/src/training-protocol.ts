import type { ModelParams } from "@fleetscore/contracts";
import { Matrix } from "ml-matrix";
import { fitPipeline, type FitPipelineOptions } from "./fit-pipeline.js";
import { isSvmTrainingError, type SvmTrainingErrorCode } from "./svm-training-error.js";

/** One model to fit: its values (one feature) and the options. */
export interface TrainingJob {
  readonly id: number;
  readonly values: Float64Array;
  readonly options: FitPipelineOptions;
}

/** What fitting one model gave: its parameters and solver figures, or why it could not be trained. */
export type TrainingOutcome =
  | { readonly id: number; readonly params: ModelParams; readonly iterations: number }
  | { readonly id: number; readonly error: { readonly code: SvmTrainingErrorCode; readonly message: string } };

/** Fits one job; a training error (too few rows, constant values) is an outcome, anything else is thrown. */
export function runTrainingJob(job: TrainingJob): TrainingOutcome {
  try {
    const x = new Matrix(job.values.length, 1);
    for (let i = 0; i < job.values.length; i++) x.set(i, 0, job.values[i]!);
    const fitted = fitPipeline(x, job.options);
    return { id: job.id, params: fitted.params, iterations: fitted.svm.iterations };
  } catch (e) {
    if (isSvmTrainingError(e)) return { id: job.id, error: { code: e.code, message: e.message } };
    throw e;
  }
}
