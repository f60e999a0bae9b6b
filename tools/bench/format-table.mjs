// Fixed-width text tables for the bench report.

/**
 * Formats rows as a fixed-width table: the first column and those named in `leftColumns` left-aligned,
 * the others (numbers) right-aligned.
 * @param {string[]} header
 * @param {string[][]} rows
 * @param {number[]} [leftColumns] indexes of further left-aligned columns
 * @returns {string[]} lines
 */
export function table(header, rows, leftColumns = []) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 || leftColumns.includes(i) ? (c ?? "").padEnd(widths[i]) : (c ?? "").padStart(widths[i]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}

/** @param {number} n @param {number} [digits] */
export const fixed = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "-");
/** @param {number} n */
export const int = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "-");
/** @param {number} a @param {number} b */
export const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : "-");

/**
 * @typedef {object} RunSummary
 * @property {string} name
 * @property {string} description
 * @property {boolean} ok
 * @property {string} [failure]
 * @property {number} rows expected data rows
 * @property {number} wallSeconds median over repetitions
 * @property {number | null} maxRssMB median over repetitions
 */

/**
 * The side-by-side table of the end-to-end runs, with ratios against the baseline run.
 * @param {(RunSummary & { cpuSeconds: number })[]} runs
 * @param {string | undefined} baselineName
 * @returns {string[]}
 */
export function formatRunTable(runs, baselineName) {
  const base = runs.find((r) => r.name === baselineName && r.ok);
  const rows = runs.map((r) => {
    if (!r.ok) return [r.name, "FAILED", "-", "-", "-", "-", "-", "-", "-", r.failure ?? ""];
    const rss = r.maxRssMB ?? NaN;
    return [
      r.name,
      fixed(r.wallSeconds),
      fixed(r.cpuSeconds),
      int(r.rows / r.wallSeconds),
      int(rss),
      base ? ratio(r.wallSeconds, base.wallSeconds) : "-",
      base ? ratio(r.cpuSeconds, base.cpuSeconds) : "-",
      base ? ratio(rss, base.maxRssMB ?? NaN) : "-",
      base ? ratio(base.wallSeconds, r.wallSeconds) : "-",
      r.description,
    ];
  });
  return table(["run", "wall s", "CPU s", "rows/s", "peak RSS MB", "wall/base", "CPU/base", "RSS/base", "speed-up", "what"], rows, [9]);
}

/**
 * The 1x vs 10x memory table.
 * @param {RunSummary[]} runs first the 1x run, then the 10x run
 * @returns {string[]}
 */
export function formatMemoryTable(runs) {
  const one = runs[0]?.ok ? runs[0] : undefined;
  const rows = runs.map((r) =>
    r.ok
      ? [r.name, int(r.rows), fixed(r.wallSeconds), int(r.rows / r.wallSeconds), int(r.maxRssMB ?? NaN), one ? ratio(r.maxRssMB ?? NaN, one.maxRssMB ?? NaN) : "-"]
      : [r.name, int(r.rows), "FAILED", "-", "-", r.failure ?? ""],
  );
  return table(["data", "rows", "wall s", "rows/s", "peak RSS MB", "RSS/1x"], rows);
}

/**
 * The CSV-parsing micro-benchmark table; ratios against the faster csv-parse API with the full options.
 * @param {{ bytes: number, results: { name: string, seconds: number, rows: number | null }[] }} bench
 * @returns {string[]}
 */
export function formatParseTable(bench) {
  const ref = bench.results
    .filter((r) => r.name.startsWith("csv-parse") && r.name.endsWith("full options"))
    .sort((a, b) => a.seconds - b.seconds)[0];
  const rows = bench.results.map((r) => [
    r.name,
    fixed(r.seconds, 3),
    r.rows === null ? "-" : int(r.rows / r.seconds),
    int(bench.bytes / 1e6 / r.seconds),
    ref ? ratio(r.seconds, ref.seconds) : "-",
    r.rows === null ? "" : int(r.rows),
  ]);
  return [
    ...table(["parser (in memory)", "s", "rows/s", "MB/s", ref ? "time/ref" : "", "rows"], rows),
    ...(ref
      ? [
          `ref = ${ref.name} (the faster API); full options = relax_column_count, skip_empty_lines, trim, info,`,
          "bom (the scorer's parser up to b1664d7). MB/s of unpacked CSV. split does not handle quoted fields.",
        ]
      : []),
  ];
}
