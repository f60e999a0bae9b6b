import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { seededRandom } from "@fleetscore/test-support";

/** A training set and what scikit-learn is asked to fit on it. */
export interface SklearnCase {
  readonly name: string;
  readonly X: readonly (readonly number[])[];
  readonly heldOut: readonly (readonly number[])[];
  /** Only the scaler's statistics and gamma='scale' (large sets, no SVM fit). */
  readonly scalerOnly?: boolean;
  readonly params: { kernel: "linear" | "poly" | "rbf" | "sigmoid"; nu: number; gamma: "scale" | "auto" | number; degree?: number; coef0?: number; tol?: number };
}

/** What the fitted Pipeline(StandardScaler, OneClassSVM) holds and predicts (fit-sklearn.py). */
export interface SklearnFit {
  readonly name: string;
  readonly mean: number[];
  readonly scale: number[];
  readonly gamma: number;
  readonly support: number[];
  readonly dualCoef: number[];
  readonly rho: number;
  readonly supportVectors: number[][];
  readonly decision: number[];
  readonly predict: number[];
}

/**
 * The first Python 3 that imports scikit-learn: Debian's /usr/bin/python3 (python3-sklearn, which .ci/run
 * installs), else `python3` on PATH (a pyenv one may lack it). Throws naming what was tried, so the suite
 * fails loudly instead of skipping.
 */
export function sklearnPython(): string {
  const candidates = [process.env["FLEETSCORE_SKLEARN_PYTHON"], "/usr/bin/python3", "python3"].filter((c): c is string => !!c);
  for (const python of candidates) {
    const r = spawnSync(python, ["-c", "import sklearn, numpy; print(sklearn.__version__)"], { encoding: "utf8" });
    if (r.status === 0) return python;
  }
  throw new Error(`no Python with scikit-learn found (tried ${candidates.join(", ")}): apt-get install python3-sklearn`);
}

/** Fits every case with scikit-learn in one Python process. */
export function fitWithSklearn(cases: readonly SklearnCase[]): { sklearn: string; results: SklearnFit[] } {
  const out = execFileSync(sklearnPython(), [join(import.meta.dirname, "fit-sklearn.py")], {
    input: JSON.stringify({ cases }),
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  return JSON.parse(out) as { sklearn: string; results: SklearnFit[] };
}

/** Normal points (Box-Muller) around `centre`, `features` per point, seeded. */
export function normalPoints(seed: number, n: number, features: number, centre = 20, spread = 3): number[][] {
  const random = seededRandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: n }, () => Array.from({ length: features }, (_, j) => centre + j * 7 + spread * (j + 1) * normal()));
}
