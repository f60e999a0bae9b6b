import type { AbortSignalLike } from "@azure/abort-controller";
import { RestError, type PipelinePolicy } from "@azure/core-rest-pipeline";

export const tryTimeoutPolicyName = "fleetscoreTryTimeout";

/**
 * Ends one try of a request that has had no answer (response headers) within `tryTimeoutInMs`, as a
 * retriable `ETIMEDOUT`, so the SDK's retry policy (placed before this one) tries again per its options.
 * The SDK's own `tryTimeoutInMs` only asks the service to stop (a `timeout` query parameter): a service
 * that does not answer at all (frozen, a black-holed connection) is never timed out by it.
 * A response body still streaming is not timed out: the timer stops once the headers arrived.
 */
export function tryTimeoutPolicy(tryTimeoutInMs: number): PipelinePolicy {
  return {
    name: tryTimeoutPolicyName,
    async sendRequest(request, next) {
      const callerSignal = request.abortSignal;
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), tryTimeoutInMs);
      request.abortSignal = callerSignal ? linked(callerSignal, timeout.signal) : timeout.signal;
      try {
        return await next(request);
      } catch (e) {
        if (timeout.signal.aborted && !callerSignal?.aborted) {
          throw new RestError(`no answer within ${tryTimeoutInMs} ms (one try)`, { code: "ETIMEDOUT", request });
        }
        throw e;
      } finally {
        clearTimeout(timer);
        request.abortSignal = callerSignal;
      }
    },
  };
}

/** Aborted when either is: AbortSignal.any follows a real AbortSignal without adding a listener to it. */
function linked(caller: AbortSignalLike, timeout: AbortSignal): AbortSignal {
  if (caller instanceof AbortSignal) return AbortSignal.any([caller, timeout]);
  const both = new AbortController();
  const abort = (): void => both.abort();
  caller.addEventListener("abort", abort, { once: true });
  timeout.addEventListener("abort", abort, { once: true });
  return both.signal;
}
