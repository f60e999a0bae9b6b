export { EventHubsPeer } from "./event-hubs-peer.js";
export type { StartEventHubsPeerOptions } from "./event-hubs-peer.js";
export { parseStartFilter } from "./partition-store.js";
export type { StartFilter, StoredEvent } from "./partition-store.js";
