export { exportRunToAppInsights } from "./export-run.js";
export type { ExportRunOptions } from "./export-run.js";
