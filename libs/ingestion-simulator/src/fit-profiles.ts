import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { isAbortError, type OperationOptions } from "@fleetscore/contracts";
import { ReadingsCsvParser, latin1 } from "@fleetscore/readings-csv";
import { SimulationError } from "./simulation-error.js";
import type { SensorProfile } from "./sensor-profile.js";

/** The profile of one device x sensor pair, fitted from data. */
export interface FittedProfile {
  readonly deviceId: string;
  readonly sensorId: string;
  /** How many readings it was fitted on. */
  readonly count: number;
  readonly profile: SensorProfile & { readonly kind: "normal" };
}

export interface FitProfilesOptions extends OperationOptions {}

/**
 * Fits a normal profile (mean and sample stddev) per device x sensor to a readings CSV
 * (`TS,Device,Sensor,Value`, plain or gzip), e.g. the reference sensor_data.csv, so that the reference
 * models score simulated data as they score the real readings. Malformed rows are skipped and counted.
 * @throws SimulationError `InvalidInput` for a missing or unreadable file, a bad header, or no valid row.
 */
export async function fitProfilesFromCsv(path: string, options: FitProfilesOptions = {}): Promise<{ readonly profiles: readonly FittedProfile[]; readonly malformed: number }> {
  const stats = new Map<string, { deviceId: string; sensorId: string; n: number; mean: number; m2: number }>();
  let malformed = 0;
  const parser = new ReadingsCsvParser({
    row(buf, f, value) {
      const deviceId = latin1(buf, f[2]!, f[3]!);
      const sensorId = latin1(buf, f[4]!, f[5]!);
      const key = `${deviceId}\u0000${sensorId}`;
      let s = stats.get(key);
      if (!s) stats.set(key, (s = { deviceId, sensorId, n: 0, mean: 0, m2: 0 }));
      // Welford: one pass, numerically stable.
      s.n++;
      const d = value - s.mean;
      s.mean += d / s.n;
      s.m2 += d * (value - s.mean);
    },
    malformed() {
      malformed++;
    },
  });
  try {
    const gzip = await isGzip(path);
    const input = createReadStream(path, options.abortSignal ? { signal: options.abortSignal } : {});
    for await (const chunk of gzip ? input.pipe(createGunzip()) : input) parser.push(chunk as Buffer);
    parser.end();
  } catch (e) {
    if (isAbortError(e)) throw e;
    throw new SimulationError(`Cannot fit profiles to ${path}: ${(e as Error).message}`, "InvalidInput", { cause: e });
  }
  if (stats.size === 0) throw new SimulationError(`Cannot fit profiles to ${path}: it has no valid reading (${malformed} malformed rows)`, "InvalidInput");
  const profiles = [...stats.values()]
    .sort((a, b) => compareIds(a.deviceId, b.deviceId) || compareIds(a.sensorId, b.sensorId))
    .map((s): FittedProfile => ({
      deviceId: s.deviceId,
      sensorId: s.sensorId,
      count: s.n,
      profile: { kind: "normal", mean: s.mean, stddev: s.n > 1 ? Math.sqrt(s.m2 / (s.n - 1)) : 0 },
    }));
  return { profiles, malformed };
}

/** Numeric ids in numeric order ("2" before "10"), others as text. */
export function compareIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isInteger(na) && Number.isInteger(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, "r").catch((e: NodeJS.ErrnoException) => {
    throw new Error(e.code === "ENOENT" ? "the file does not exist" : e.message, { cause: e });
  });
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}
