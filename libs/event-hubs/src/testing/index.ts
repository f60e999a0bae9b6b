export { describeEventHubs } from "./describe-event-hubs.js";
export type { DescribeEventHubsOptions, EventHubsUnderTest, TestFramework } from "./describe-event-hubs.js";
