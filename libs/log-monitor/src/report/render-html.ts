import { formatDuration } from "../format-text.js";
import { chartLibrarySources } from "./chart-scripts.js";
import type { RunReportData } from "./report-data.js";
import { REPORT_PAGE_SCRIPT } from "./report-page-script.js";

const esc = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
const n = (x: number): string => x.toLocaleString("en-US");
const pct = (x: number | undefined): string => (x === undefined ? "n/a" : `${(100 * x).toFixed(1)}%`);

const STATUS_COLORS: Record<string, string> = { succeeded: "#2e7d32", partial: "#ef6c00", failed: "#c62828", "in progress": "#1565c0", abandoned: "#6d4c41" };

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f5f6f8; color: #222; }
header { background: #fff; padding: 20px 32px; border-bottom: 1px solid #ddd; }
h1 { margin: 0 0 6px; font-size: 22px; } h2 { font-size: 17px; margin: 0 0 12px; }
.status { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-size: 14px; vertical-align: middle; }
.meta { color: #555; font-size: 13px; }
main { padding: 20px 32px; display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 20px; }
section { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 16px 20px; }
section.wide { grid-column: 1 / -1; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin-top: 14px; }
.card { background: #f5f6f8; border-radius: 6px; padding: 8px 14px; min-width: 110px; }
.card b { display: block; font-size: 20px; } .card span { font-size: 12px; color: #555; }
.chart { position: relative; } .small-multiples { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 16px; }
.small-multiples h3 { font-size: 14px; margin: 0 0 4px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #fafafa; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: 12px; overflow-wrap: anywhere; } td.code code { white-space: nowrap; } .none { color: #2e7d32; }
.legend { font-size: 12px; color: #555; margin-top: 6px; }
.swatch { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 10px; vertical-align: middle; }
`;

function failuresTable(d: RunReportData): string {
  if (d.failures.length === 0) return `<p class="none">No model failed.</p>`;
  const rows = d.failures
    .map(
      (f) =>
        `<tr><td>${esc(f.modelId)}</td><td>${esc(f.shard ?? "-")}</td><td class="code"><code>${esc(f.code)}</code></td><td>${esc(f.message)}</td>` +
        `<td><code>${esc(f.recordedIn)}</code>${f.log ? `<br><code>${esc(`${f.log.file}:${f.log.line}`)}</code>` : ""}</td></tr>`,
    )
    .join("");
  return `<table><thead><tr><th>model</th><th>shard</th><th>error code</th><th>message</th><th>recorded in</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function labelsSection(d: RunReportData): string {
  const l = d.labels;
  if (!l) return "";
  const kinds = l.byKind.map((k) => `<tr><td>${esc(k.kind)}</td><td class="num">${n(k.labels)}</td><td class="num">${n(k.detected)}</td><td class="num">${pct(k.recall)}</td></tr>`).join("");
  return `<section><h2>Precision and recall against ${esc(l.file)}</h2>
<div class="chart" style="height:260px"><canvas id="labels" role="img" aria-label="precision and recall"></canvas></div>
<table><tbody>
<tr><th>precision</th><td class="num">${pct(l.precision)}</td><th>recall</th><td class="num">${pct(l.recall)}</td></tr>
<tr><th>true positives</th><td class="num">${n(l.truePositives)}</td><th>false positives</th><td class="num">${n(l.falsePositives)}</td></tr>
<tr><th>false negatives</th><td class="num">${n(l.falseNegatives)}</td><th>labels on no scored row</th><td class="num">${n(l.unmatched)} of ${n(l.labels)}</td></tr>
</tbody></table>
${l.rejected.length ? `<p class="meta">${n(l.rejected.length)} label row(s) set aside, first: line ${l.rejected[0]!.line}: ${esc(l.rejected[0]!.message)}</p>` : ""}
<table><thead><tr><th>kind</th><th>labels</th><th>detected</th><th>recall</th></tr></thead><tbody>${kinds}</tbody></table></section>`;
}

/** The report as one HTML document: data, styles, Chart.js and the page script all inline (no network at open time). */
export async function renderReportHtml(d: RunReportData): Promise<string> {
  const s = d.summary;
  const libs = await chartLibrarySources();
  const heatHeight = Math.min(Math.max(160, d.heatmap.devices.length * 40 + 90), 1400);
  const heatWidth = Math.min(Math.max(320, d.heatmap.sensors.length * 110 + 120), 1200);
  const series = d.series
    .map((x, i) => `<div><h3>${esc(x.modelId)}: ${n(x.anomalies)} anomalies in ${n(x.rows)} rows</h3><div class="chart" style="height:220px"><canvas id="scores-${i}" role="img" aria-label="scores of ${esc(x.modelId)}"></canvas></div></div>`)
    .join("");
  const card = (value: string, label: string): string => `<div class="card"><b>${esc(value)}</b><span>${esc(label)}</span></div>`;
  const json = JSON.stringify(d).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>Run ${esc(s.runId)}: ${esc(s.status)}</title><style>${STYLE}</style></head>
<body>
<header><h1>Run ${esc(s.runId)} <span class="status" style="background:${STATUS_COLORS[s.status] ?? "#555"}">${esc(s.status)}</span></h1>
<div class="meta">${esc(s.location)} · started ${esc(s.startedAt ?? "?")} · report generated ${esc(d.generatedAt)}</div>
<div class="cards">${card(n(s.modelsScored), "models scored")}${card(n(s.modelsFailed), "models failed")}${card(`${s.shardsDone}/${s.shardCount}`, "shards done")}${card(n(s.rows), "rows scored")}${card(n(s.anomalies), "anomalies")}${card(formatDuration(s.durationMs), "duration")}</div></header>
<main>
<section><h2>Anomalies per device × sensor</h2>
<div class="chart" style="height:${heatHeight}px;max-width:${heatWidth}px"><canvas id="heatmap" role="img" aria-label="anomalies per device and sensor"></canvas></div>
<div class="legend">darker red = more anomalies (max ${n(Math.max(0, ...d.heatmap.cells.map((c) => c.anomalies)))})<span class="swatch" style="background:#9e9e9e"></span>failed<span class="swatch" style="background:#eee"></span>no data</div></section>
<section><h2>Rows and duration per shard</h2><div class="chart" style="height:300px"><canvas id="shards" role="img" aria-label="rows and duration per shard"></canvas></div></section>
<section class="wide"><h2>Scores over time: the ${d.series.length} most anomalous models (anomalies in red)</h2><div class="small-multiples">${series || "<p>No scored model.</p>"}</div></section>
<section class="wide"><h2>Failures (${d.failures.length})</h2>${failuresTable(d)}</section>
${labelsSection(d)}
</main>
<script id="report-data" type="application/json">${json}</script>
${libs.map((src) => `<script>${src}</script>`).join("\n")}
<script>${REPORT_PAGE_SCRIPT}</script>
</body></html>
`;
}
