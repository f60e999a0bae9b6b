import { z } from "zod";
import { DeviceId, SensorId } from "./ids.js";

/** One sensor reading as sent by a device. Partition key: deviceId. */
export const Reading = z.object({
  deviceId: DeviceId,
  sensorId: SensorId,
  /** ISO-8601 UTC. */
  ts: z.iso.datetime({ offset: false }),
  value: z.number().finite(),
});
export type Reading = z.infer<typeof Reading>;

/** Aggregate of the readings of one device x sensor over one tumbling window. Natural key: (deviceId, sensorId, windowEnd). */
export const WindowAggregate = z
  .object({
    deviceId: DeviceId,
    sensorId: SensorId,
    windowStart: z.iso.datetime({ offset: false }),
    windowEnd: z.iso.datetime({ offset: false }),
    count: z.number().int().positive(),
    mean: z.number().finite(),
    min: z.number().finite(),
    max: z.number().finite(),
    /** Sample standard deviation; 0 for a window of one reading. */
    stddev: z.number().finite().nonnegative(),
  })
  .refine((w) => w.windowStart < w.windowEnd, { message: "windowStart must be before windowEnd", path: ["windowEnd"] })
  .refine((w) => w.min <= w.mean && w.mean <= w.max, { message: "mean must lie within [min, max]", path: ["mean"] });
export type WindowAggregate = z.infer<typeof WindowAggregate>;
