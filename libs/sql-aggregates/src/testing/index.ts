export { describeAggregateStore } from "./describe-aggregate-store.js";
export type { DescribeAggregateStoreOptions, OpenTestAggregateStore, TestFramework } from "./describe-aggregate-store.js";
export { startTestPostgres, createPostgresDatabase, freePort } from "./test-postgres.js";
export type { StartTestPostgresOptions, TestPostgres } from "./test-postgres.js";
