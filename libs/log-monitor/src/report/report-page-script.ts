/**
 * The report page's own script (browser JavaScript, run after Chart.js and the matrix controller). It
 * reads the data from `<script id="report-data" type="application/json">` and draws every chart with
 * animations off, so the page is complete as soon as it loads. Each canvas gets `data-rendered` once drawn.
 */
export const REPORT_PAGE_SCRIPT = String.raw`
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  Chart.defaults.animation = false;
  Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  Chart.defaults.color = "#333";
  var RED = "#d62728", BLUE = "#1f77b4", GREY = "#9e9e9e", ORANGE = "#ff7f0e";
  function iso(ms) { return new Date(ms).toISOString().replace("T", " ").replace(/\.000Z$|Z$/, ""); }
  function draw(id, config) {
    var canvas = document.getElementById(id);
    new Chart(canvas, config);
    canvas.setAttribute("data-rendered", "true");
  }

  // Anomalies per device x sensor.
  var hm = data.heatmap;
  var maxAnomalies = Math.max.apply(null, [1].concat(hm.cells.map(function (c) { return c.anomalies; })));
  draw("heatmap", {
    type: "matrix",
    data: { datasets: [{
      label: "anomalies",
      data: hm.cells.map(function (c) { return { x: c.sensor, y: c.device, v: c.anomalies, c: c }; }),
      backgroundColor: function (ctx) {
        var c = ctx.raw && ctx.raw.c;
        if (!c) return "transparent";
        if (c.status === "failed") return GREY;
        if (c.status === "no-data") return "#eeeeee";
        var t = c.anomalies / maxAnomalies;
        return "rgba(214, 39, 40, " + (0.08 + 0.92 * t).toFixed(3) + ")";
      },
      borderColor: "#ffffff",
      borderWidth: 1,
      width: function (ctx) { var a = ctx.chart.chartArea; return a ? a.width / hm.sensors.length - 2 : 0; },
      height: function (ctx) { var a = ctx.chart.chartArea; return a ? a.height / hm.devices.length - 2 : 0; }
    }] },
    options: {
      maintainAspectRatio: false,
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: {
          title: function (items) { var c = items[0].raw.c; return "device " + c.device + ", sensor " + c.sensor; },
          label: function (item) {
            var c = item.raw.c;
            if (c.status === "failed") return "failed: " + (c.error || "");
            return c.anomalies + " anomalies in " + c.rows + " rows (" + (c.rows ? (100 * c.anomalies / c.rows).toFixed(1) : "0") + "%)";
          }
        } }
      },
      scales: {
        x: { type: "category", labels: hm.sensors, offset: true, grid: { display: false }, title: { display: true, text: "sensor" } },
        y: { type: "category", labels: hm.devices, offset: true, reverse: false, grid: { display: false }, title: { display: true, text: "device" } }
      }
    }
  });

  // Scores over time of the most anomalous models, anomalies in red.
  data.series.forEach(function (s, i) {
    var first = s.points.length ? s.points[0][0] : 0, last = s.points.length ? s.points[s.points.length - 1][0] : 1;
    draw("scores-" + i, {
      type: "line",
      data: { datasets: [
        { label: "score", data: s.points.map(function (p) { return { x: p[0], y: p[1] }; }), borderColor: BLUE, borderWidth: 1, pointRadius: 0, parsing: false },
        { label: "anomaly (score <= 0)", type: "scatter", data: s.points.filter(function (p) { return p[2] === 1; }).map(function (p) { return { x: p[0], y: p[1] }; }), backgroundColor: RED, borderColor: RED, pointRadius: 2.5, parsing: false }
      ] },
      options: {
        maintainAspectRatio: false,
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } }, tooltip: { callbacks: { title: function (items) { return iso(items[0].parsed.x); } } } },
        scales: {
          x: { type: "linear", min: first, max: last, ticks: { maxTicksLimit: 6, callback: function (v) { return iso(v).slice(5, 16); } }, title: { display: true, text: "time (UTC)" } },
          y: { title: { display: true, text: "decision score" }, grid: { color: function (c) { return c.tick && c.tick.value === 0 ? "#999" : "#eee"; } } }
        }
      }
    });
  });

  // Rows and duration per shard.
  draw("shards", {
    type: "bar",
    data: {
      labels: data.shards.map(function (s) { return s.label + (s.status === "missing" ? " (missing)" : ""); }),
      datasets: [
        { label: "rows scored", data: data.shards.map(function (s) { return s.rows; }), backgroundColor: BLUE, yAxisID: "rows" },
        { label: "duration (s)", data: data.shards.map(function (s) { return s.durationMs / 1000; }), backgroundColor: ORANGE, yAxisID: "seconds" }
      ]
    },
    options: {
      maintainAspectRatio: false,
      plugins: { legend: { position: "bottom" } },
      scales: {
        rows: { type: "linear", position: "left", beginAtZero: true, title: { display: true, text: "rows" } },
        seconds: { type: "linear", position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: "seconds" } }
      }
    }
  });

  // Precision and recall against the labels.
  if (data.labels) {
    var l = data.labels;
    var names = ["all labels"].concat(l.byKind.map(function (k) { return k.kind; }));
    draw("labels", {
      type: "bar",
      data: {
        labels: names,
        datasets: [
          { label: "precision", data: [l.precision === undefined ? null : l.precision].concat(l.byKind.map(function () { return null; })), backgroundColor: BLUE, minBarLength: 3 },
          { label: "recall", data: [l.recall === undefined ? null : l.recall].concat(l.byKind.map(function (k) { return k.recall === undefined ? null : k.recall; })), backgroundColor: RED, minBarLength: 3 }
        ]
      },
      options: {
        maintainAspectRatio: false,
        plugins: { legend: { position: "bottom" } },
        scales: { y: { min: 0, max: 1, ticks: { format: { style: "percent" } } } }
      }
    });
  }
  document.body.setAttribute("data-charts-ready", "true");
})();
`;
