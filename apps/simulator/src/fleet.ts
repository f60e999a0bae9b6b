import { UsageError } from "@fleetscore/cli-support";
import { compareIds, defaultProfile, fitProfilesFromCsv, isSimulationError, type GenerateReadingsOptions, type SensorProfile } from "@fleetscore/ingestion-simulator";
import type { RunArgs } from "./run-args.js";

const HOUR_MS = 3_600_000;

/** `--profile <kind>` with the default profile's centre and spread (sensor j around 20 j). */
function profileOfKind(kind: RunArgs["profile"]): (i: number, j: number) => SensorProfile {
  return (i, j) => {
    const p = defaultProfile(i, j) as { mean: number; stddev: number };
    if (kind === "uniform") return { kind, min: p.mean - Math.sqrt(3) * p.stddev, max: p.mean + Math.sqrt(3) * p.stddev };
    if (kind === "bimodal") return { kind, means: [p.mean - 2 * p.stddev, p.mean + 2 * p.stddev], stddev: p.stddev / 2, weight: 0.5 };
    if (kind === "drift") return { kind, mean: p.mean, stddev: p.stddev, driftPerHour: p.stddev };
    return { kind: "normal", mean: p.mean, stddev: p.stddev };
  };
}

/** The generator's options from the flags; `--profile-from` is read here (its devices and sensors become the fleet's). */
export async function fleetOptions(args: RunArgs, nowMs: number): Promise<GenerateReadingsOptions & { readonly devices: number; readonly sensors: number }> {
  const common = {
    intervalInMs: args.interval,
    ...(args.jitter !== undefined && { jitterInMs: args.jitter }),
    // Default start: now, on an interval boundary, so windows of a live run line up with the ticks.
    startMs: args.start ?? Math.floor(nowMs / args.interval) * args.interval,
    ...(args.count !== undefined ? { count: args.count } : { durationInMs: args.duration ?? HOUR_MS }),
    seed: args.seed,
    lateByInMs: args.lateBy,
    faults: { anomaly: args.anomalyRate, late: args.lateRate, outOfOrder: args.outOfOrderRate, duplicate: args.duplicateRate, malformed: args.malformedRate },
  };
  if (args.profileFrom === undefined) {
    return { ...common, devices: args.devices ?? 3, sensors: args.sensors ?? 5, profileOf: profileOfKind(args.profile) };
  }
  const fitted = await fitProfilesFromCsv(args.profileFrom).catch((e: unknown) => {
    throw isSimulationError(e) ? new UsageError(`--profile-from: ${e.message}`, { cause: e }) : e;
  });
  const deviceIds = [...new Set(fitted.profiles.map((p) => p.deviceId))].sort(compareIds);
  const sensorIds = [...new Set(fitted.profiles.map((p) => p.sensorId))].sort(compareIds);
  const devices = args.devices ?? deviceIds.length;
  const sensors = args.sensors ?? sensorIds.length;
  if (devices > deviceIds.length || sensors > sensorIds.length) {
    throw new UsageError(`--profile-from: ${args.profileFrom} has ${deviceIds.length} devices and ${sensorIds.length} sensors; asked for ${devices} x ${sensors}`);
  }
  const byPair = new Map(fitted.profiles.map((p) => [`${p.deviceId}\u0000${p.sensorId}`, p.profile]));
  const profileOf = (i: number, j: number): SensorProfile => {
    const p = byPair.get(`${deviceIds[i]}\u0000${sensorIds[j]}`);
    if (!p) throw new UsageError(`--profile-from: ${args.profileFrom} has no readings of device ${deviceIds[i]} sensor ${sensorIds[j]}`);
    return p;
  };
  return { ...common, devices, sensors, deviceIdOf: (i) => deviceIds[i]!, sensorIdOf: (j) => sensorIds[j]!, profileOf };
}
