import { z } from "zod";
import type { WindowingOptions } from "@fleetscore/stream-windowing";
import { Duration } from "@fleetscore/cli-support";

/** `--window`, `--late-arrival`, `--out-of-order`, `--on-late`, as the windowing engine's options. */
export const WindowingArgs = z.object({
  window: Duration.refine((v) => v > 0, "must be longer than 0"),
  lateArrival: Duration,
  outOfOrder: Duration,
  onLate: z.enum(["adjust", "drop"]),
});
export type WindowingArgs = z.infer<typeof WindowingArgs>;

export function toWindowingOptions(args: WindowingArgs): WindowingOptions {
  return {
    windowSizeInMs: args.window,
    lateArrivalToleranceInMs: args.lateArrival,
    outOfOrderToleranceInMs: args.outOfOrder,
    eventOrderingAction: args.onLate,
  };
}
