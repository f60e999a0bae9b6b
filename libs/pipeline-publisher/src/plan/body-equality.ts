/**
 * Whether ARM already holds what `desired` says: every field of `desired` is equal in `existing`
 * (recursively). Fields only ARM sets (provisioningState, systemData, ids) are ignored that way.
 */
export function containsDesired(existing: unknown, desired: unknown): boolean {
  if (desired === null || typeof desired !== "object") return Object.is(existing, desired);
  if (existing === null || typeof existing !== "object") return false;
  if (Array.isArray(desired)) {
    return Array.isArray(existing) && existing.length === desired.length && desired.every((d, i) => containsDesired(existing[i], d));
  }
  const have = existing as Record<string, unknown>;
  return Object.entries(desired as Record<string, unknown>).every(([key, value]) => value === undefined || containsDesired(have[key], value));
}
