import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** A library's browser build, made safe to inline in a `<script>` (no source map fetch, no early `</script>`). */
async function inlineable(path: string): Promise<string> {
  const text = await readFile(path, "utf8");
  return text.replace(/\/\/# sourceMappingURL=\S+\s*$/, "").replace(/<\/script/gi, "<\\/script");
}

/** Chart.js and its matrix (heatmap) controller, as browser scripts to inline: the report opens with no network. */
export async function chartLibrarySources(): Promise<string[]> {
  // chart.js exports no package.json: its UMD build sits beside the CommonJS entry.
  const chartJs = join(dirname(require.resolve("chart.js")), "chart.umd.min.js");
  const matrix = join(dirname(require.resolve("chartjs-chart-matrix/package.json")), "dist/chartjs-chart-matrix.min.js");
  return Promise.all([inlineable(chartJs), inlineable(matrix)]);
}
