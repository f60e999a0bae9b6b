import { defineProjectConfig } from "../../vitest.config.base.js";

// Azurite (blob service, in memory, port 0) runs once for the whole project, for the Blob checkpoints; libs/storage's global setup starts it.
export default defineProjectConfig(import.meta.dirname, { globalSetup: ["../storage/src/test-fixtures/azurite-global-setup.ts"] });
