import type { EventOrderingAction, WindowingOptions } from "./types.js";
import { WindowingError } from "./windowing-error.js";

/** Stream Analytics' defaults (late arrival 5 s, out of order 0 s, adjust) and a 5 s window. */
export const DEFAULT_WINDOW_SIZE_MS = 5_000;
export const DEFAULT_LATE_ARRIVAL_TOLERANCE_MS = 5_000;
export const DEFAULT_OUT_OF_ORDER_TOLERANCE_MS = 0;
export const DEFAULT_EVENT_ORDERING_ACTION: EventOrderingAction = "adjust";
export const DEFAULT_DUPLICATE_HORIZON_MS = 60_000;

/** WindowingOptions with every default filled in, checked. */
export interface ResolvedWindowingOptions {
  readonly windowSizeInMs: number;
  readonly lateArrivalToleranceInMs: number;
  readonly outOfOrderToleranceInMs: number;
  readonly eventOrderingAction: EventOrderingAction;
  readonly duplicateHorizonInMs: number;
}

function wholeMs(options: WindowingOptions, name: keyof WindowingOptions, fallback: number, min: number): number {
  const value: unknown = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    const expected = min > 0 ? `a whole number of milliseconds >= ${min}` : "a whole number of milliseconds >= 0";
    throw new WindowingError(`Invalid windowing option ${name}: ${describe(value)}; expected ${expected}`, "InvalidOption");
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === "number") return String(value); // JSON would print NaN and Infinity as null
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Fills in the defaults and checks every option.
 * Unknown keys are ignored (callers pass wider option bags, e.g. the Stream Analytics generator's).
 * @throws WindowingError `InvalidOption` naming the option and its value.
 */
export function resolveWindowingOptions(options: WindowingOptions = {}): ResolvedWindowingOptions {
  if (typeof options !== "object" || options === null) {
    throw new WindowingError(`Invalid windowing options: ${describe(options)}; expected an object`, "InvalidOption");
  }
  const action: unknown = options.eventOrderingAction ?? DEFAULT_EVENT_ORDERING_ACTION;
  if (action !== "adjust" && action !== "drop") {
    throw new WindowingError(`Invalid windowing option eventOrderingAction: ${describe(action)}; expected "adjust" or "drop"`, "InvalidOption");
  }
  return {
    windowSizeInMs: wholeMs(options, "windowSizeInMs", DEFAULT_WINDOW_SIZE_MS, 1),
    lateArrivalToleranceInMs: wholeMs(options, "lateArrivalToleranceInMs", DEFAULT_LATE_ARRIVAL_TOLERANCE_MS, 0),
    outOfOrderToleranceInMs: wholeMs(options, "outOfOrderToleranceInMs", DEFAULT_OUT_OF_ORDER_TOLERANCE_MS, 0),
    eventOrderingAction: action,
    duplicateHorizonInMs: wholeMs(options, "duplicateHorizonInMs", DEFAULT_DUPLICATE_HORIZON_MS, 0),
  };
}
