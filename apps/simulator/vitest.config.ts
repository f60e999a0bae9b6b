import { defineProjectConfig } from "../../vitest.config.base.js";

// Azurite (blob service, in memory, port 0) for the end-to-end tests' Blob checkpoints: the event-hubs lib's setup.
export default defineProjectConfig(import.meta.dirname, { globalSetup: ["../../libs/event-hubs/src/test-fixtures/azurite-global-setup.ts"] });
