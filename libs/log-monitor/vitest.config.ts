import { defineProjectConfig } from "../../vitest.config.base.js";

// Azurite (blob service, in memory, port 0), started by libs/storage's globalSetup, backs the Blob-output tests (inject()).
export default defineProjectConfig(import.meta.dirname, { globalSetup: ["../storage/src/test-fixtures/azurite-global-setup.ts"] });
