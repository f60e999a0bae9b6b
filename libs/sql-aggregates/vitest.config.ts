import { defineProjectConfig } from "../../vitest.config.base.js";

// One PostgreSQL server (initdb/pg_ctl on a temp dir, free port) for the whole project; tests get its URL via inject().
export default defineProjectConfig(import.meta.dirname, { globalSetup: ["src/test-fixtures/postgres-global-setup.ts"] });
