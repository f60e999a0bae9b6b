import { randomUUID } from "node:crypto";
import { EventHubsPeer } from "@fleetscore/eventhubs-peer";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { EventHubsCheckpoints } from "./index.js";
import { describeEventHubs } from "./testing/index.js";

// Provided by libs/storage's Azurite global setup (see vitest.config.ts).
declare module "vitest" {
  export interface ProvidedContext {
    azuriteAccountUrl: string;
    azuriteConnectionString: string;
  }
}

let peer: EventHubsPeer;
beforeAll(async () => {
  peer = await EventHubsPeer.start({ partitionCount: 4, hubName: "readings" });
});
afterAll(() => peer?.stop());

const openCheckpoints = () =>
  EventHubsCheckpoints.open(`${inject("azuriteAccountUrl")}/checkpoints-${randomUUID().slice(0, 8)}`, { storageConnectionString: inject("azuriteConnectionString") });

// The real SDK over a real socket to the local peer; checkpoints in Azurite.
describeEventHubs("local peer", async () => ({ connection: { connectionString: peer.connectionString, eventHubName: "readings" }, openCheckpoints }), { framework: { describe, it, expect } });

// The same suite on a real namespace (or the official emulator) when one is configured.
const real = process.env["FLEETSCORE_EVENTHUBS_CONNECTION_STRING"];
if (real) {
  const hub = /EntityPath=([^;]+)/.exec(real)?.[1] ?? process.env["FLEETSCORE_EVENTHUBS_NAME"] ?? "readings";
  describeEventHubs("FLEETSCORE_EVENTHUBS_CONNECTION_STRING", async () => ({ connection: { connectionString: real, eventHubName: hub }, openCheckpoints }), { framework: { describe, it, expect } });
} else {
  it.skip("Event Hubs conformance on a real namespace (set FLEETSCORE_EVENTHUBS_CONNECTION_STRING)", () => undefined);
}
