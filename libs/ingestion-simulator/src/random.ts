import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/** A seeded source of numbers: the same seed gives the same sequence on every machine and Node version. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (mean 0, stddev 1), Box-Muller on two uniforms. */
  normal(): number;
}

/**
 * pure-rand's xoroshiro128+ (53-bit floats). The seed is scrambled first (splitmix32) because nearby
 * seeds would otherwise start with nearly equal outputs.
 */
export function createSeededRandom(seed: number): SeededRandom {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`Invalid seed ${seed}: expected an integer`);
  const rng = xoroshiro128plus(splitmix32(seed | 0) ^ splitmix32((seed / 2 ** 32) | 0));
  let spare: number | undefined;
  return {
    uniform: () => uniformFloat64(rng),
    normal: () => {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = 0;
      while (u === 0) u = uniformFloat64(rng);
      const v = uniformFloat64(rng);
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}
