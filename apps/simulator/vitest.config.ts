import { defineProjectConfig } from "../../vitest.config.base.js";

// Azurite (blob service, in memory, port 0) for the end-to-end tests' Blob checkpoints, started by libs/storage's global setup.
export default defineProjectConfig(import.meta.dirname, { globalSetup: ["../../libs/storage/src/test-fixtures/azurite-global-setup.ts"] });
