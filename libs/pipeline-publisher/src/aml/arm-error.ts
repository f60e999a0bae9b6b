import { isRestError, type RestError } from "@azure/core-rest-pipeline";
import { isAbortError } from "@fleetscore/contracts";
import { isPublisherError, PublisherError } from "../publisher-error.js";

function armBody(e: RestError): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(e.response?.bodyAsText ?? "") as { error?: { code?: string; message?: string } };
    return parsed.error ?? {};
  } catch {
    return {};
  }
}

/**
 * A failed ARM call as a PublisherError naming the request and resource, with ARM's error code and
 * message. 429 and transient 5xx never reach here: the SDK's pipeline retries them (Retry-After honoured).
 * AbortError is rethrown unchanged.
 */
export function toPublisherError(e: unknown, method: string, resource: string): unknown {
  if (isAbortError(e) || isPublisherError(e) || !isRestError(e) || e.statusCode === undefined) return e;
  const rest = e as RestError & { statusCode: number };
  const body = armBody(rest);
  const armCode = body.code ?? rest.code ?? "Unknown";
  const detail = body.message ?? rest.message;
  const code = rest.statusCode === 409 ? "Conflict" : rest.statusCode === 404 ? "NotFound" : rest.statusCode >= 500 || rest.statusCode === 429 ? "Unavailable" : "ArmError";
  const hint = rest.statusCode === 409 ? " (another operation on it is in progress, or it changed: retry the deploy once it settles)" : "";
  return new PublisherError(`${method} ${resource} failed: ${rest.statusCode} ${armCode}: ${detail}${hint}`, code, {
    cause: e,
    resource,
    statusCode: rest.statusCode,
    armCode,
  });
}

export const isNotFound = (e: unknown): boolean => isRestError(e) && e.statusCode === 404;
