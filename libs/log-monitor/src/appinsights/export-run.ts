import type { OperationOptions } from "@fleetscore/contracts";
import type { RunSummary } from "../run-summary.js";

export interface ExportRunOptions extends OperationOptions {
  readonly connectionString: string;
}

/** Placeholder until the exporter is wired (see README). */
export async function exportRunToAppInsights(_summary: RunSummary, _options: ExportRunOptions): Promise<void> {
  throw new Error("not implemented");
}
