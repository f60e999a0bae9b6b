import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNodeProcess, type NodeProcessResult } from "@fleetscore/test-support";
import { makeTempDir, modelsWithOneCorrupt, scoreReference } from "./test-fixtures/runs.js";

// A local HTTPS endpoint stands in for Application Insights' ingestion (`POST /v2.1/track`), named by the
// connection string's IngestionEndpoint, so the real @azure/monitor-opentelemetry-exporter sends to it. The
// exporter only speaks HTTPS (it rewrites http:// endpoints), so the test makes a self-signed certificate and
// the built monitor CLI runs as a child process trusting it through NODE_EXTRA_CA_CERTS, as a user would.
const MONITOR_MAIN = join(import.meta.dirname, "../dist/main.js");

function runMonitor(argv: string[], env: NodeJS.ProcessEnv): Promise<NodeProcessResult> {
  return startNodeProcess(MONITOR_MAIN, argv, { APPLICATION_INSIGHTS_NO_STATSBEAT: "true", NODE_EXTRA_CA_CERTS: join(dir, "cert.pem"), ...env }).done;
}
interface Envelope {
  name: string;
  data: { baseType: string; baseData: Record<string, unknown> & { metrics?: { name: string; value: number }[]; message?: string; properties?: Record<string, string> } };
}
let server: Server;
let received: Envelope[] = [];
let requests: string[] = [];
let refuse = false;
let dir: string;
let out: string;

beforeAll(async () => {
  dir = await makeTempDir();
  out = join(dir, "out");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
  server = createServer({ key: await readFile(join(dir, "key.pem")), cert: await readFile(join(dir, "cert.pem")) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push(`${req.method} ${req.url}`);
      const body = Buffer.concat(chunks);
      const text = (req.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body).toString("utf8");
      const items = (text.trim().startsWith("[") ? (JSON.parse(text) as Envelope[]) : text.trim().split("\n").map((l) => JSON.parse(l) as Envelope));
      if (refuse) {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: 0, errors: items.map((_, index) => ({ index, statusCode: 400, message: "refused by the test" })) }));
        return;
      }
      received.push(...items);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const r = await scoreReference(out, "ai-run", { models: await modelsWithOneCorrupt(dir) });
  expect(r.code).toBe(3);
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const connectionString = (): string =>
  `InstrumentationKey=11111111-2222-3333-4444-555555555555;IngestionEndpoint=https://127.0.0.1:${(server.address() as AddressInfo).port}/`;

describe("Application Insights export", { timeout: 120_000 }, () => {
  it("sends nothing unless APPLICATIONINSIGHTS_CONNECTION_STRING is set", async () => {
    requests = [];
    const r = await runMonitor(["show", "--out", out, "ai-run"], {});
    expect(r.code).toBe(3);
    expect(requests).toEqual([]);
  });

  it("sends the run's metrics and one trace per failed model to the IngestionEndpoint", async () => {
    received = [];
    requests = [];
    const r = await runMonitor(["show", "--out", out, "ai-run"], { APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString() });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain("exported run ai-run to Application Insights");
    expect(requests.every((q) => q.startsWith("POST /v2.1/track"))).toBe(true);
    const metrics = received.filter((e) => e.data.baseType === "MetricData").flatMap((e) => e.data.baseData.metrics!.map((m) => [m.name, m.value] as const));
    expect(Object.fromEntries(metrics)).toMatchObject({ "fleetscore.run.models.failed": 1, "fleetscore.run.models.scored": 14, "fleetscore.run.shards.done": 1 });
    const traces = received.filter((e) => e.data.baseType === "MessageData").map((e) => e.data.baseData);
    const failure = traces.find((t) => t.message?.startsWith("model 1_4 failed: [InvalidModel]"));
    expect(failure?.properties).toMatchObject({ "fleetscore.run.id": "ai-run", "fleetscore.run.status": "failed", "fleetscore.model.id": "1_4" });
    expect(traces.some((t) => t.message?.startsWith("run ai-run: failed;"))).toBe(true);
  });

  it("warns, keeping the run's exit code, when the endpoint refuses the data", async () => {
    refuse = true;
    try {
      const r = await runMonitor(["show", "--out", out, "ai-run"], { APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString() });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/warning: Application Insights export failed: Application Insights did not accept the export/);
      expect(r.stderr).not.toContain("11111111-2222");
    } finally {
      refuse = false;
    }
  });
});
