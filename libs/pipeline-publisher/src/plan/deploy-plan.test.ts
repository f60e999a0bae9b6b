import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { AML_API_VERSION, buildDeployPlan, buildTriggerRequest, loadPublisherConfig, toPublishSpec } from "../index.js";
import { formatPlan } from "../cli/dry-run.js";

const EXAMPLE = resolve(import.meta.dirname, "../../examples/azure-ml.example.yaml");
const exampleSpec = async () => toPublishSpec(await loadPublisherConfig(EXAMPLE));

describe("buildDeployPlan (the example config)", () => {
  it("prints the same dry-run plan as the committed snapshot", async () => {
    await expect(formatPlan(buildDeployPlan(await exampleSpec()).requests)).toMatchFileSnapshot("../test-fixtures/example.dry-run.json");
  });

  it("puts the compute, environment, components and schedule in order, each with the SDK's api-version", async () => {
    const { requests } = buildDeployPlan(await exampleSpec());
    expect(requests.map((r) => r.kind)).toEqual(["compute", "environmentVersion", "componentVersion", "componentVersion", "schedule"]);
    for (const r of requests) {
      expect(r.method).toBe("PUT");
      expect(r.path).toMatch(new RegExp(`^/subscriptions/0{8}-0{4}-0{4}-0{4}-0{12}/resourceGroups/fleetscore-rg/providers/Microsoft\\.MachineLearningServices/workspaces/fleetscore-ws/.+\\?api-version=${AML_API_VERSION}$`));
    }
  });

  it("scales the cluster from zero nodes and runs every step as the compute's managed identity, with no key or SAS", async () => {
    const { requests } = buildDeployPlan(await exampleSpec());
    const compute = requests[0]!.body as { identity: unknown; properties: { properties: { scaleSettings: unknown } } };
    expect(compute.identity).toEqual({ type: "SystemAssigned" });
    expect(compute.properties.properties.scaleSettings).toEqual({ minNodeCount: 0, maxNodeCount: 4, nodeIdleTimeBeforeScaleDown: "PT10M" });
    const text = JSON.stringify(requests);
    expect(text).not.toMatch(/sig=|AccountKey|SharedAccessSignature|password/i);
    const job = (requests[4]!.body as { properties: { action: { jobDefinition: { identity: unknown } } } }).properties.action.jobDefinition;
    expect(job.identity).toEqual({ identityType: "Managed" });
  });

  it("schedules n parallel shard steps of one component plus a finalize step after all of them", async () => {
    const plan = buildDeployPlan(await exampleSpec());
    const schedule = plan.requests[4]!.body as { properties: { trigger: unknown; action: { jobDefinition: { jobs: Record<string, Record<string, Record<string, { value: string }>>>; inputs: Record<string, { value: string }> } } } };
    expect(schedule.properties.trigger).toEqual({ triggerType: "Cron", expression: "0 * * * *", timeZone: "W. Europe Standard Time" });
    const { jobs, inputs } = schedule.properties.action.jobDefinition;
    expect(Object.keys(jobs)).toEqual(["shard_0", "shard_1", "shard_2", "shard_3", "finalize"]);
    expect(jobs["shard_2"]!["inputs"]!["shard"]!.value).toBe("2");
    expect(jobs["shard_2"]!["inputs"]!["shard_count"]!.value).toBe("4");
    expect(Object.keys(jobs["finalize"]!["inputs"]!).filter((k) => k.startsWith("shard_"))).toHaveLength(4);
    expect(jobs["finalize"]!["inputs"]!["shard_3"]!.value).toBe("${{parent.jobs.shard_3.outputs.done}}");
    expect(inputs["trigger_time"]!.value).toBe("${{creation_context.trigger_time}}");
    expect(inputs["models"]!.value).toBe("https://fleetscoreexample.blob.core.windows.net/models/reference");
    const component = plan.parts.scoreComponent.body as { properties: { componentSpec: { command: string; environment: string } } };
    expect(component.properties.componentSpec.command).toContain("score --models \"${{inputs.models}}\"");
    expect(component.properties.componentSpec.command).toContain("--shard ${{inputs.shard}}/${{inputs.shard_count}} --resume");
    expect(component.properties.componentSpec.environment).toBe(plan.requests[1]!.path.replace(/\?.*/, ""));
  });

  it("passes allowEmpty to the shard and finalize command lines as --allow-empty, and leaves it out by default", async () => {
    const spec = await exampleSpec();
    const commands = (s: typeof spec): string[] => {
      const plan = buildDeployPlan(s);
      return [plan.parts.scoreComponent, plan.parts.finalizeComponent].map((c) => (c.body as { properties: { componentSpec: { command: string } } }).properties.componentSpec.command);
    };
    expect(commands(spec).some((c) => c.includes("--allow-empty"))).toBe(false);
    const allowing = { ...spec, pipeline: { ...spec.pipeline, allowEmpty: true } };
    for (const c of commands(allowing)) expect(c).toMatch(/ --allow-empty( |$)/);
  });

  it("names a version by its content: a new image tag is a new environment version, the rest of the plan unchanged but what references it", async () => {
    const spec = await exampleSpec();
    const next = buildDeployPlan({ ...spec, azure: { ...spec.azure, image: { ...spec.azure.image, tag: "0.2.0" } } });
    const first = buildDeployPlan(spec);
    expect(next.requests[0]).toEqual(first.requests[0]);
    expect(next.requests[1]!.name[1]).not.toBe(first.requests[1]!.name[1]);
    expect(next.requests[2]!.name[1]).not.toBe(first.requests[2]!.name[1]);
  });

  it("names a one-off run by its trigger time, as the scheduler does", async () => {
    const spec = await exampleSpec();
    const request = buildTriggerRequest(spec, buildDeployPlan(spec), new Date("2026-11-25T14:00:00Z"));
    expect(request.path).toMatch(/\/jobs\/reference-20261125T1400Z\?api-version=/);
    expect((request.body as { properties: { inputs: { trigger_time: { value: string } } } }).properties.inputs.trigger_time.value).toBe("2026-11-25T14:00:00.000Z");
  });
});
