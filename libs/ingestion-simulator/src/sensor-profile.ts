import type { SeededRandom } from "./random.js";

/** How one sensor's values are distributed. Values are rounded to `decimals` (default 2, as the reference data). */
export type SensorProfile =
  | { readonly kind: "normal"; readonly mean: number; readonly stddev: number }
  | { readonly kind: "uniform"; readonly min: number; readonly max: number }
  /** Two normal modes; `weight` is the share of the first (0-1). */
  | { readonly kind: "bimodal"; readonly means: readonly [number, number]; readonly stddev: number; readonly weight: number }
  /** Normal around a mean that moves by `driftPerHour` from the start of the simulation. */
  | { readonly kind: "drift"; readonly mean: number; readonly stddev: number; readonly driftPerHour: number };

export const PROFILE_KINDS = ["normal", "uniform", "bimodal", "drift"] as const;

const HOUR_MS = 3_600_000;

/** One value of a profile, `elapsedMs` after the simulation's start. */
export function sampleProfile(profile: SensorProfile, random: SeededRandom, elapsedMs: number): number {
  switch (profile.kind) {
    case "normal":
      return profile.mean + profile.stddev * random.normal();
    case "uniform":
      return profile.min + (profile.max - profile.min) * random.uniform();
    case "bimodal": {
      const mean = random.uniform() < profile.weight ? profile.means[0] : profile.means[1];
      return mean + profile.stddev * random.normal();
    }
    case "drift":
      return profile.mean + profile.driftPerHour * (elapsedMs / HOUR_MS) + profile.stddev * random.normal();
  }
}

/** Centre and spread of a profile: where an injected anomaly (a spike) is placed away from. */
export function profileSpread(profile: SensorProfile): { readonly mean: number; readonly stddev: number } {
  switch (profile.kind) {
    case "uniform":
      return { mean: (profile.min + profile.max) / 2, stddev: (profile.max - profile.min) / Math.sqrt(12) };
    case "bimodal":
      return { mean: (profile.means[0] + profile.means[1]) / 2, stddev: profile.stddev + Math.abs(profile.means[0] - profile.means[1]) / 2 };
    default:
      return { mean: profile.mean, stddev: profile.stddev };
  }
}

/**
 * Default profiles when none are given: sensor j of every device is normal around `20 * j` with spread
 * `2 + j / 2` (distinct per sensor, like a fleet of temperature, pressure, ... sensors).
 */
export function defaultProfile(_deviceIndex: number, sensorIndex: number): SensorProfile {
  return { kind: "normal", mean: 20 * (sensorIndex + 1), stddev: 2 + (sensorIndex + 1) / 2 };
}
