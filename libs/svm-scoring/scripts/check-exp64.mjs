#!/usr/bin/env node
// Long check of exp64 (not in CI: ~1-2 minutes per 10^8 arguments on this project's 2-core machine):
// node libs/svm-scoring/scripts/check-exp64.mjs [--count N] [--seed S] after `npx nx run svm-scoring:build`.
// Compares exp64 with Math.exp (V8's fdlibm port, within 1 ulp of exact) on N pseudo-random arguments,
// uniformly over [-707, 709] and over the RBF kernel's usual [-40, 0]; prints the worst distance in ulps
// and how often they differ. Exits 1 when the worst exceeds 1 ulp.
import { parseArgs } from "node:util";
import { exp64 } from "../dist/exp64.js";

const { values } = parseArgs({ options: { count: { type: "string", default: "100000000" }, seed: { type: "string", default: "1" } } });
const count = Number(values.count);
const bits = new BigInt64Array(1);
const view = new Float64Array(bits.buffer);
/** xorshift32: uniform in [0, 1). */
let s0 = Number(values.seed) >>> 0 || 1;
const random = () => {
  s0 ^= s0 << 13;
  s0 ^= s0 >>> 17;
  s0 ^= s0 << 5;
  return (s0 >>> 0) / 4294967296;
};

let worst = 0;
let worstAt = NaN;
let differ = 0;
for (let i = 0; i < count; i++) {
  const u = random() + random() / 4294967296;
  const x = i % 2 === 0 ? -707 + u * 1416 : -u * 40;
  view[0] = exp64(x);
  const a = bits[0];
  view[0] = Math.exp(x);
  const d = Number(a - bits[0]);
  const ad = Math.abs(d);
  if (ad > 0) differ++;
  if (ad > worst) {
    worst = ad;
    worstAt = x;
  }
}
console.log(`exp64 vs Math.exp on ${count} arguments: worst ${worst} ulp (at x = ${worstAt}), differ on ${((100 * differ) / count).toFixed(3)}%`);
if (worst > 1) process.exitCode = 1;
