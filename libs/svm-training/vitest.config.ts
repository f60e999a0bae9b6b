import { defineProjectConfig } from "../../vitest.config.base.js";

export default defineProjectConfig(import.meta.dirname);
