import type { KernelRows } from "./kernel-rows.js";

/** libsvm's `TAU`: the quadratic coefficient used where the kernel is not positive definite. */
const TAU = 1e-12;

export interface SolveOneClassOptions {
  /** Stopping tolerance on the maximal violating pair (libsvm's `eps`, scikit-learn's `tol`). Default 1e-3. */
  readonly tol?: number;
  /** libsvm's shrinking heuristic (scikit-learn's `shrinking`, default true). */
  readonly shrinking?: boolean;
  /** Iterations before giving up (scikit-learn's `max_iter`); default: no limit (`-1`). */
  readonly maxIterations?: number;
}

export interface OneClassSolution {
  /** The dual variables, one per training point, in the points' order (at most 1 each, summing to nu * l). */
  readonly alpha: Float64Array;
  /** libsvm's rho: the decision function is `sum_i alpha_i K(x_i, x) - rho`. */
  readonly rho: number;
  /** Half of alpha^T Q alpha. */
  readonly objective: number;
  readonly iterations: number;
  /** True when `maxIterations` stopped the solver before the tolerance was met. */
  readonly timedOut: boolean;
}

const LOWER = 0;
const UPPER = 1;
const FREE = 2;

/**
 * libsvm's `solve_one_class` and `Solver::Solve` (the SMO of Fan, Chen and Lin, JMLR 2005) as scikit-learn
 * 1.2 ships them (sklearn/svm/src/libsvm/svm.cpp), step for step and in the same floating-point order:
 * every point weighted 1 (C_i = 1, p = 0, y = +1), the initial alphas from `nu_l = sum of nu` (the first
 * floor(nu*l) at 1, the next at the fraction left), second-order working-set selection, updates clipped to
 * the box, shrinking every min(l, 1000) iterations with one unshrink once the gap is under 10 * tol, the
 * gradient rebuilt from `G_bar` before stopping, and rho the mean gradient of the free alphas (else the
 * middle of their bounds). With y = +1 throughout, libsvm's branches for y = -1 never run and are left out.
 *
 * libsvm permutes its arrays as it shrinks (`swap_index`); so does this solver, through `position -> point`
 * (`active`), reading kernel rows in point order, so every sum runs over the same terms in the same order.
 */
export function solveOneClass(q: KernelRows, nu: number, options: SolveOneClassOptions = {}): OneClassSolution {
  const l = q.size;
  const eps = options.tol ?? 1e-3;
  const shrinking = options.shrinking ?? true;
  const maxIterations = options.maxIterations ?? -1;
  const qd = q.diagonal;

  // solve_one_class: nu_l accumulates C_i * nu one point at a time (not nu * l), then fills alphas in order.
  const alpha = new Float64Array(l);
  let nuL = 0;
  for (let i = 0; i < l; i++) nuL += 1 * nu;
  for (let i = 0; nuL > 0 && i < l; i++) {
    alpha[i] = nuL < 1 ? nuL : 1;
    nuL -= alpha[i]!;
  }

  const status = new Uint8Array(l);
  const updateStatus = (i: number): void => {
    status[i] = alpha[i]! >= 1 ? UPPER : alpha[i]! <= 0 ? LOWER : FREE;
  };
  for (let i = 0; i < l; i++) updateStatus(i);
  const active = new Int32Array(l);
  for (let i = 0; i < l; i++) active[i] = i;
  let activeSize = l;
  const G = new Float64Array(l);
  const Gbar = new Float64Array(l);
  for (let i = 0; i < l; i++) {
    if (status[i] === LOWER) continue;
    const Qi = q.row(active[i]!);
    const alphaI = alpha[i]!;
    for (let j = 0; j < l; j++) G[j]! += alphaI * Qi[active[j]!]!;
    if (status[i] === UPPER) for (let j = 0; j < l; j++) Gbar[j]! += 1 * Qi[active[j]!]!;
  }

  // Until shrinking first swaps two positions, position k is point k: the hot loops then skip the lookup.
  let permuted = false;
  const swap = (i: number, j: number): void => {
    permuted = true;
    const point = active[i]!;
    active[i] = active[j]!;
    active[j] = point;
    const s = status[i]!;
    status[i] = status[j]!;
    status[j] = s;
    for (const a of [G, alpha, Gbar]) {
      const t = a[i]!;
      a[i] = a[j]!;
      a[j] = t;
    }
  };

  const reconstructGradient = (): void => {
    if (activeSize === l) return;
    let nrFree = 0;
    for (let j = activeSize; j < l; j++) G[j] = Gbar[j]! + 0;
    for (let j = 0; j < activeSize; j++) if (status[j] === FREE) nrFree++;
    if (nrFree * l > 2 * activeSize * (l - activeSize)) {
      for (let i = activeSize; i < l; i++) {
        const Qi = q.row(active[i]!);
        for (let j = 0; j < activeSize; j++) if (status[j] === FREE) G[i]! += alpha[j]! * Qi[active[j]!]!;
      }
    } else {
      for (let i = 0; i < activeSize; i++) {
        if (status[i] !== FREE) continue;
        const Qi = q.row(active[i]!);
        const alphaI = alpha[i]!;
        for (let j = activeSize; j < l; j++) G[j]! += alphaI * Qi[active[j]!]!;
      }
    }
  };

  /** Sets `pair` to the working set and returns false, or returns true when optimal (libsvm returns 1). */
  const pair = [0, 0];
  const selectWorkingSet = (): boolean => {
    let Gmax = -Infinity;
    let Gmax2 = -Infinity;
    let GmaxIdx = -1;
    let GminIdx = -1;
    let objDiffMin = Infinity;
    for (let t = 0; t < activeSize; t++) {
      if (status[t] !== UPPER && -G[t]! >= Gmax) {
        Gmax = -G[t]!;
        GmaxIdx = t;
      }
    }
    const i = GmaxIdx;
    // Gmax is -Infinity when i is -1, so no grad_diff is positive and Q_i is never read.
    const Qi = i !== -1 ? q.row(active[i]!) : undefined;
    const qdI = i !== -1 ? qd[active[i]!]! : 0;
    for (let j = 0; j < activeSize; j++) {
      if (status[j] === LOWER) continue;
      const gradDiff = Gmax + G[j]!;
      if (G[j]! >= Gmax2) Gmax2 = G[j]!;
      if (gradDiff > 0) {
        const pj = permuted ? active[j]! : j;
        const quadCoef = qdI + qd[pj]! - 2.0 * Qi![pj]!;
        const objDiff = quadCoef > 0 ? -(gradDiff * gradDiff) / quadCoef : -(gradDiff * gradDiff) / TAU;
        if (objDiff <= objDiffMin) {
          GminIdx = j;
          objDiffMin = objDiff;
        }
      }
    }
    if (Gmax + Gmax2 < eps || GminIdx === -1) return true;
    pair[0] = GmaxIdx;
    pair[1] = GminIdx;
    return false;
  };

  let unshrink = false;
  const beShrunk = (i: number, Gmax1: number, Gmax2: number): boolean => (status[i] === UPPER ? -G[i]! > Gmax1 : status[i] === LOWER ? G[i]! > Gmax2 : false);
  const doShrinking = (): void => {
    let Gmax1 = -Infinity;
    let Gmax2 = -Infinity;
    for (let i = 0; i < activeSize; i++) {
      if (status[i] !== UPPER && -G[i]! >= Gmax1) Gmax1 = -G[i]!;
      if (status[i] !== LOWER && G[i]! >= Gmax2) Gmax2 = G[i]!;
    }
    if (!unshrink && Gmax1 + Gmax2 <= eps * 10) {
      unshrink = true;
      reconstructGradient();
      activeSize = l;
    }
    for (let i = 0; i < activeSize; i++) {
      if (!beShrunk(i, Gmax1, Gmax2)) continue;
      activeSize--;
      while (activeSize > i) {
        if (!beShrunk(activeSize, Gmax1, Gmax2)) {
          swap(i, activeSize);
          break;
        }
        activeSize--;
      }
    }
  };

  let iterations = 0;
  let timedOut = false;
  let counter = Math.min(l, 1000) + 1;
  for (;;) {
    if (maxIterations !== -1 && iterations >= maxIterations) {
      timedOut = true;
      break;
    }
    if (--counter === 0) {
      counter = Math.min(l, 1000);
      if (shrinking) doShrinking();
    }
    if (selectWorkingSet()) {
      reconstructGradient();
      activeSize = l;
      if (selectWorkingSet()) break;
      counter = 1;
    }
    iterations++;
    const i = pair[0]!;
    const j = pair[1]!;
    const Qi = q.row(active[i]!);
    const Qj = q.row(active[j]!);
    const oldAlphaI = alpha[i]!;
    const oldAlphaJ = alpha[j]!;
    let quadCoef = qd[active[i]!]! + qd[active[j]!]! - 2 * Qi[active[j]!]!;
    if (quadCoef <= 0) quadCoef = TAU;
    const delta = (G[i]! - G[j]!) / quadCoef;
    const sum = alpha[i]! + alpha[j]!;
    alpha[i]! -= delta;
    alpha[j]! += delta;
    // libsvm's clip of the pair to the box [0, 1], first from i's side, then from j's.
    clipToBox(alpha, i, j, sum);
    clipToBox(alpha, j, i, sum);
    const deltaAlphaI = alpha[i]! - oldAlphaI;
    const deltaAlphaJ = alpha[j]! - oldAlphaJ;
    if (permuted) for (let k = 0; k < activeSize; k++) G[k]! += Qi[active[k]!]! * deltaAlphaI + Qj[active[k]!]! * deltaAlphaJ;
    else for (let k = 0; k < activeSize; k++) G[k]! += Qi[k]! * deltaAlphaI + Qj[k]! * deltaAlphaJ;

    const wasUpperI = status[i] === UPPER;
    const wasUpperJ = status[j] === UPPER;
    updateStatus(i);
    updateStatus(j);
    for (const [k, wasUpper] of [
      [i, wasUpperI],
      [j, wasUpperJ],
    ] as const) {
      if (wasUpper === (status[k] === UPPER)) continue;
      // libsvm asks for the whole row here (get_Q(i, l)); a point-order row is always whole.
      const Qk = q.row(active[k]!);
      if (wasUpper) for (let m = 0; m < l; m++) Gbar[m]! -= 1 * Qk[active[m]!]!;
      else for (let m = 0; m < l; m++) Gbar[m]! += 1 * Qk[active[m]!]!;
    }
  }

  const rho = calculateRho(G, status, activeSize);
  let v = 0;
  for (let i = 0; i < l; i++) v += alpha[i]! * (G[i]! + 0);
  const solution = new Float64Array(l);
  for (let i = 0; i < l; i++) solution[active[i]!] = alpha[i]!;
  return { alpha: solution, rho, objective: v / 2, iterations, timedOut };
}

/** `Solver::calculate_rho` for y = +1: the mean gradient of the free alphas, else the middle of the bounds. */
function calculateRho(G: Float64Array, status: Uint8Array, activeSize: number): number {
  let nrFree = 0;
  let ub = Infinity;
  let lb = -Infinity;
  let sumFree = 0;
  for (let i = 0; i < activeSize; i++) {
    const yG = 1 * G[i]!;
    if (status[i] === UPPER) lb = lb > yG ? lb : yG;
    else if (status[i] === LOWER) ub = ub < yG ? ub : yG;
    else {
      ++nrFree;
      sumFree += yG;
    }
  }
  return nrFree > 0 ? sumFree / nrFree : (ub + lb) / 2;
}

/**
 * One half of libsvm's clip of an updated pair (alpha[a] + alpha[b] = sum) into the box [0, 1] (C = 1 for
 * one-class): if `a` went above 1, it is 1 and `b` takes the rest; if `b` went below 0, it is 0 and `a`
 * takes the sum. Called for (i, j), then (j, i), in libsvm's order, so results stay bit-identical.
 */
function clipToBox(alpha: Float64Array, a: number, b: number, sum: number): void {
  if (sum > 1) {
    if (alpha[a]! > 1) {
      alpha[a] = 1;
      alpha[b] = sum - 1;
    }
  } else if (alpha[b]! < 0) {
    alpha[b] = 0;
    alpha[a] = sum;
  }
}
