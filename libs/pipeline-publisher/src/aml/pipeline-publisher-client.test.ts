import { resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AML_API_VERSION,
  buildDeployPlan,
  buildTriggerRequest,
  isPublisherError,
  loadPublisherConfig,
  PipelinePublisherClient,
  toPublishSpec,
  type PublishSpec,
} from "../index.js";
import { LocalArmServer } from "../testing/index.js";

const EXAMPLE = resolve(import.meta.dirname, "../../examples/azure-ml.example.yaml");
const testCredential = { getToken: async () => ({ token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };

let server: LocalArmServer;
let spec: PublishSpec;
const client = () =>
  new PipelinePublisherClient(spec.azure, testCredential, { endpoint: server.endpoint, trustedCa: server.certificate, pollIntervalInMs: 10, retryDelayInMs: 10 });

beforeEach(async () => {
  server = await LocalArmServer.start({ apiVersion: AML_API_VERSION });
  spec = toPublishSpec(await loadPublisherConfig(EXAMPLE));
});
afterEach(async () => server.close());

describe("PipelinePublisherClient against a local ARM server", () => {
  it("sends exactly the dry-run plan: each PUT's path, api-version and body, with a bearer token", async () => {
    const plan = buildDeployPlan(spec);
    const steps = await client().deploy(plan.requests);
    expect(steps.map((s) => s.action)).toEqual(["created", "created", "created", "created", "created"]);
    const puts = server.requests.filter((r) => r.method === "PUT");
    expect(puts.map((r) => r.path)).toEqual(plan.requests.map((r) => r.path));
    expect(puts.map((r) => r.body)).toEqual(plan.requests.map((r) => r.body));
    expect(server.requests.every((r) => r.authorization === "Bearer test-token")).toBe(true);
  });

  it("waits on the long-running compute and schedule operations by polling Azure-AsyncOperation", async () => {
    await client().deploy(buildDeployPlan(spec).requests);
    const paths = server.requests.map((r) => `${r.method} ${r.path.replace(/\?.*/, "").split("/").slice(-2).join("/")}`);
    const computePut = paths.indexOf("PUT computes/fleetscore-cpu");
    const environmentPut = paths.findIndex((p) => p.startsWith("PUT versions/") || p.includes("environments"));
    expect(paths.slice(computePut + 1, computePut + 3)).toEqual(["GET operations/op-1", "GET operations/op-1"]);
    expect(environmentPut).toBeGreaterThan(computePut + 2);
    expect(paths).toContain("GET operations/op-2");
  });

  it("a second deploy reads everything and writes nothing; a changed field rewrites only that resource", async () => {
    await client().deploy(buildDeployPlan(spec).requests);
    const writesBefore = server.writes().length;
    const again = await client().deploy(buildDeployPlan(spec).requests);
    expect(again.map((s) => s.action)).toEqual(["unchanged", "unchanged", "unchanged", "unchanged", "unchanged"]);
    expect(server.writes().length).toBe(writesBefore);

    const bigger = { ...spec, azure: { ...spec.azure, compute: { ...spec.azure.compute, maxNodes: 8 } } };
    const changed = await client().deploy(buildDeployPlan(bigger).requests);
    expect(changed.map((s) => s.action)).toEqual(["updated", "unchanged", "unchanged", "unchanged", "unchanged"]);
    expect(server.writes().slice(writesBefore).map((r) => r.path)).toEqual([buildDeployPlan(bigger).requests[0]!.path]);
  });

  it("retries 429 after its Retry-After and transient 503s, then succeeds", async () => {
    server.inject({ method: "PUT", pathEndsWith: "/computes/fleetscore-cpu", status: 429, headers: { "Retry-After": "1" }, body: { error: { code: "TooManyRequests", message: "slow down" } } });
    server.inject({ method: "PUT", pathEndsWith: "/versions/" + buildDeployPlan(spec).requests[1]!.name[1], status: 503, body: { error: { code: "ServiceUnavailable", message: "try again" } } });
    const started = Date.now();
    const steps = await client().deploy(buildDeployPlan(spec).requests);
    expect(steps.every((s) => s.action === "created")).toBe(true);
    expect(server.requests.filter((r) => r.method === "PUT" && r.path.includes("/computes/"))).toHaveLength(2);
    expect(server.requests.filter((r) => r.method === "PUT" && r.path.includes("/environments/"))).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("reports a 409 as a Conflict naming the resource", async () => {
    server.inject({ method: "PUT", pathEndsWith: "/schedules/fleetscore-reference", status: 409, body: { error: { code: "Conflict", message: "An operation is in progress" } } });
    const error = await client().deploy(buildDeployPlan(spec).requests).catch((e: unknown) => e);
    expect(isPublisherError(error) && error.code).toBe("Conflict");
    expect((error as Error).message).toMatch(/^PUT \/subscriptions\/.+\/schedules\/fleetscore-reference failed: 409 Conflict: An operation is in progress/);
  });

  it("shows another 4xx with ARM's error code and message and the resource, without retrying it", async () => {
    server.inject({ method: "PUT", pathEndsWith: "/computes/fleetscore-cpu", status: 403, body: { error: { code: "AuthorizationFailed", message: "The client has no permission to write computes" } } });
    const error = await client().deploy(buildDeployPlan(spec).requests).catch((e: unknown) => e);
    expect(isPublisherError(error) && [error.code, error.armCode, error.statusCode]).toEqual(["ArmError", "AuthorizationFailed", 403]);
    expect((error as Error).message).toContain("/computes/fleetscore-cpu failed: 403 AuthorizationFailed: The client has no permission to write computes");
    expect(server.requests.filter((r) => r.method === "PUT")).toHaveLength(1);
  });

  it("submits a run once, finds it on a repeat, lists it, and disables the schedule", async () => {
    const plan = buildDeployPlan(spec);
    const c = client();
    await c.deploy(plan.requests);
    const run = buildTriggerRequest(spec, plan, new Date("2026-11-25T14:00:00Z"));
    expect((await c.apply(run)).action).toBe("created");
    expect((await c.apply(run)).action).toBe("unchanged");
    const jobs = [];
    for await (const job of c.listJobs(spec.azure.experimentName)) jobs.push(job);
    expect(jobs.map((j) => [j.name, j.status])).toEqual([["reference-20261125T1400Z", "NotStarted"]]);
    expect(await c.disableSchedule(plan.scheduleName)).toBe(true);
    expect((await c.getSchedule(plan.scheduleName))?.enabled).toBe(false);
    expect(await c.disableSchedule(plan.scheduleName)).toBe(false);
  });
});
