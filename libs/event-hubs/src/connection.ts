import { DefaultAzureCredential } from "@azure/identity";
import type { RetryOptions } from "@azure/event-hubs";
import type { TokenCredential } from "@azure/identity";
import { EventLogError, isEventLogError } from "@fleetscore/event-transport";
import { isAbortError } from "@fleetscore/contracts";

/** How to reach an event hub: a connection string, or a namespace host with a token credential. */
export type EventHubsConnection =
  | { readonly connectionString: string; readonly eventHubName: string }
  /** `<namespace>.servicebus.windows.net`; `credential` defaults to `DefaultAzureCredential`. */
  | { readonly fullyQualifiedNamespace: string; readonly eventHubName: string; readonly credential?: TokenCredential };

export interface EventHubsClientOptions {
  /** The SDK's retry options (attempts, delays, per-try timeout); the SDK's defaults otherwise. */
  readonly retryOptions?: RetryOptions;
}

/** The SDK's constructor arguments for a connection, checked. */
export function clientArgs(connection: EventHubsConnection): { readonly first: string; readonly hub: string; readonly credential?: TokenCredential } {
  if (!connection.eventHubName) throw new EventLogError("An event hub name is required", "InvalidArgument");
  if ("connectionString" in connection) {
    if (!/Endpoint=sb:\/\//i.test(connection.connectionString)) {
      throw new EventLogError("The Event Hubs connection string has no Endpoint=sb://...: copy it from the namespace's Shared access policies (or the local peer's output)", "InvalidArgument");
    }
    return { first: connection.connectionString, hub: connection.eventHubName };
  }
  return { first: connection.fullyQualifiedNamespace, hub: connection.eventHubName, credential: connection.credential ?? new DefaultAzureCredential() };
}

/** `eventhubs:<namespace host>/<hub>`: for messages, never the key. */
export function describeHub(namespace: string, hub: string): string {
  return `eventhubs:${namespace}/${hub}`;
}

/** SDK errors become `Unavailable` naming the hub; aborts and our own errors pass through. */
export function toEventLogError(e: unknown, where: string, doing: string): Error {
  const err = e as Error & { code?: string };
  if (isAbortError(e) || isEventLogError(e)) return err;
  return new EventLogError(`${where} is unavailable while ${doing}: ${err?.message ?? String(e)}${err?.code ? ` (${err.code})` : ""}`, "Unavailable", { cause: e });
}
