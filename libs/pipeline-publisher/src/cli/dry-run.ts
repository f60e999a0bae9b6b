import type { ArmRequest } from "../plan/arm-request.js";

/** The plan as `--dry-run` prints it: the requests in order, each `{ method, path, body }`. */
export function formatPlan(requests: readonly ArmRequest[]): string {
  return `${JSON.stringify(requests.map(({ method, path, body }) => ({ method, path, body })), null, 2)}\n`;
}
