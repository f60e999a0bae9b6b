export { EventHubsProducer, ARRIVAL_TIME_PROPERTY } from "./event-hubs-producer.js";
export type { CreateEventHubsProducerOptions } from "./event-hubs-producer.js";
export { EventHubsConsumer } from "./event-hubs-consumer.js";
export type { CreateEventHubsConsumerOptions } from "./event-hubs-consumer.js";
export { EventHubsCheckpoints } from "./blob-checkpoints.js";
export type { OpenBlobCheckpointsOptions } from "./blob-checkpoints.js";
export type { EventHubsConnection, EventHubsClientOptions } from "./connection.js";
