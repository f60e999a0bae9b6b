import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import rhea, { type Message } from "rhea";
import { beforeAll, expect, it } from "vitest";

const MAIN = resolve(import.meta.dirname, "../dist/main.js");

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npx nx run eventhubs-peer:build\` (nx run eventhubs-peer:test does it)`);
});

/** One $management READ over a plain rhea client: what the SDK's getEventHubProperties sends. */
function readHub(port: number, hub: string): Promise<Message> {
  return new Promise((resolvePromise, reject) => {
    const container = rhea.create_container();
    const connection = container.connect({ host: "127.0.0.1", port, reconnect: false });
    connection.on("connection_error", reject);
    connection.on("disconnected", (ctx) => reject(ctx.error ?? new Error("disconnected")));
    const receiver = connection.open_receiver({ source: { address: "$management" }, target: { address: "reply-1" } });
    const sender = connection.open_sender({ target: { address: "$management" } });
    receiver.on("message", (ctx) => {
      connection.close();
      resolvePromise(ctx.message!);
    });
    sender.once("sendable", () => sender.send({ message_id: "m1", reply_to: "reply-1", application_properties: { operation: "READ", name: hub, type: "com.microsoft:eventhub" }, body: undefined }));
  });
}

it("prints one connection string line, answers a management READ, and stops with exit 0 on SIGTERM", async () => {
  const child = spawn(process.execPath, [MAIN, "--port", "0", "--partitions", "3", "--hub", "telemetry"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  const [line] = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next().then((r) => [r.value as string]);
  expect(line).toMatch(/^Endpoint=sb:\/\/127\.0\.0\.1:\d+;SharedAccessKeyName=[^;]+;SharedAccessKey=[^;]+;UseDevelopmentEmulator=true;EntityPath=telemetry$/);
  const port = Number(/:(\d+);/.exec(line!)![1]);
  const answer = await readHub(port, "telemetry");
  expect(answer.correlation_id).toBe("m1");
  expect(answer.application_properties?.["status-code"]).toBe(200);
  expect(answer.body).toMatchObject({ name: "telemetry", partition_count: 3, partition_ids: ["0", "1", "2"] });
  const missing = await readHub(port, "nope");
  expect(missing.application_properties?.["status-code"]).toBe(404);
  child.kill("SIGTERM");
  expect(await exited).toBe(0);
  expect(stderr).toMatch(/stopped; events held per partition: 0=0, 1=0, 2=0/);
});

it("refuses a bad flag with exit 2 naming it", async () => {
  const child = spawn(process.execPath, [MAIN, "--port", "0", "--partitions", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on("close", (c) => r(c)));
  expect(code).toBe(2);
  expect(stderr).toMatch(/--partitions: "0" is not an integer from 1 to 1024/);
});
