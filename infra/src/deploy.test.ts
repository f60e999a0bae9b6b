import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPublisherConfig, toPublishSpec } from "@fleetscore/pipeline-publisher";
import { LocalArmServer } from "@fleetscore/pipeline-publisher/testing";
import { parseSchedulerConfig } from "@fleetscore/scheduling";
import { parseAggregateStoreUrl } from "@fleetscore/sql-aggregates";
import { stringify } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runInfraCli } from "./cli/program.js";
import { buildArtifacts, DEPLOYMENTS_API_VERSION } from "./index.js";
import { AZURE_COMPUTED_OUTPUTS, TEST_PARAMETERS_INPUT, testParameters } from "./test-fixtures/parameters.js";

const credential = { getToken: async () => ({ token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const DEPLOYMENT_PATH = "/subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/fleetscore-test-rg/providers/Microsoft.Resources/deployments/fleetscore-test";
let server: LocalArmServer;
let dir: string;
let parametersFile: string;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, env: {}, abortSignal: new AbortController().signal };
  const code = await runInfraCli(argv, io, { credential, client: { endpoint: server.endpoint, trustedCa: server.certificate, pollIntervalInMs: 10 } });
  return { code, out, err };
}

beforeEach(async () => {
  server = await LocalArmServer.start({ apiVersion: DEPLOYMENTS_API_VERSION, deploymentOutputs: AZURE_COMPUTED_OUTPUTS });
  dir = await mkdtemp(join(tmpdir(), "fleetscore-infra-"));
  parametersFile = join(dir, "test.yaml");
  await writeFile(parametersFile, stringify(TEST_PARAMETERS_INPUT));
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe("nx run infra:deploy against a local ARM server", () => {
  it("--what-if asks ARM what would change, then deploys the built template with a bearer token, and writes the pipeline config from the outputs", async () => {
    const configOut = join(dir, "pipeline.yaml");
    const { code, out, err } = await cli("deploy", "--parameters", parametersFile, "--what-if", "--config-out", configOut);
    expect(err).toBe("");
    expect(code).toBe(0);
    const artifacts = buildArtifacts(testParameters());
    expect(out).toContain(`what-if: ${artifacts.template.resources.length} change(s)`);
    expect(out).toContain("  Create     /subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/fleetscore-test-rg/providers/Microsoft.EventHub/namespaces/fleetscore-test-ehns");

    const writes = server.writes().map((r) => `${r.method} ${r.path.replace(/\?.*/, "")}`);
    expect(writes).toEqual([`POST ${DEPLOYMENT_PATH}/whatIf`, `PUT ${DEPLOYMENT_PATH}`]);
    const put = server.writes()[1]!;
    expect(put.body).toEqual({ properties: { mode: "Incremental", template: artifacts.template, parameters: artifacts.parametersFile.parameters } });
    expect(server.requests.every((r) => r.authorization === "Bearer test-token")).toBe(true);

    // The config is the publisher's (and so the scheduler's) format, on the deployed resources.
    const config = await loadPublisherConfig(configOut);
    expect(config.azure).toMatchObject({
      subscriptionId: AZURE_COMPUTED_OUTPUTS.subscriptionId,
      resourceGroup: "fleetscore-test-rg",
      workspace: "fleetscore-test-mlw",
      compute: { name: "fleetscore-test-cpu", minNodes: 0, maxNodes: 4, identity: { type: "UserAssigned", resourceId: AZURE_COMPUTED_OUTPUTS.scorerIdentityId, clientId: AZURE_COMPUTED_OUTPUTS.scorerIdentityClientId } },
      image: { registry: "fleetscoretestacr.azurecr.io", repository: "fleetscore/scorer", tag: "0.1.0" },
    });
    expect(toPublishSpec(config).pipeline).toMatchObject({
      models: "https://fleetscoretestst.blob.core.windows.net/models",
      data: "https://fleetscoretestst.blob.core.windows.net/data/sensor_data.csv",
      output: "https://fleetscoretestst.blob.core.windows.net/preds",
      shards: 4,
    });
    const text = await readFile(configOut, "utf8");
    expect(parseSchedulerConfig(text.replace(/^azure:[\s\S]*$/m, ""), configOut).pipelines[0]!.name).toBe("reference");
    expect(text).not.toMatch(/sig=|AccountKey|password|secret/i);
    expect(out).toContain(
      'AZURE_CLIENT_ID=cccccccc-0000-0000-0000-000000000004 node apps/aggregator/dist/main.js run --from eventhubs:readings --namespace fleetscore-test-ehns.servicebus.windows.net --consumer-group aggregator --checkpoints https://fleetscoretestst.blob.core.windows.net/checkpoints --to "mssql://fleetscore-test-sql.database.windows.net:1433/aggregates?encrypt=true&authentication=azure-active-directory-default" --follow',
    );
    // The aggregator's own URL parser takes it: Entra authentication, no user or password.
    expect(parseAggregateStoreUrl(/--to "([^"]+)"/.exec(out)![1]!)).toMatchObject({ dialect: "mssql", authentication: "azure-active-directory-default", host: "fleetscore-test-sql.database.windows.net" });
  });

  it("a second what-if reports no change; a changed parameter shows up as Modify", async () => {
    const configOut = join(dir, "pipeline.yaml");
    expect((await cli("deploy", "--parameters", parametersFile, "--config-out", configOut)).code).toBe(0);
    const again = await cli("deploy", "--parameters", parametersFile, "--what-if", "--config-out", configOut);
    expect(again.out).not.toMatch(/^ {2}(Create|Modify)/m);
    expect(again.out.split("\n").filter((l) => l.startsWith("  NoChange"))).toHaveLength(buildArtifacts(testParameters()).template.resources.length);
    await writeFile(parametersFile, stringify({ ...TEST_PARAMETERS_INPUT, eventHubs: { partitions: 8 } }));
    const changed = await cli("deploy", "--parameters", parametersFile, "--what-if", "--config-out", configOut);
    expect(changed.out.split("\n").filter((l) => l.startsWith("  Modify"))).toEqual([
      "  Modify     /subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/fleetscore-test-rg/providers/Microsoft.EventHub/namespaces/fleetscore-test-ehns/eventhubs/readings",
    ]);
  });

  it("--dry-run prints the template and parameters and sends nothing", async () => {
    const { code, out } = await cli("deploy", "--parameters", parametersFile, "--dry-run", "--config-out", join(dir, "pipeline.yaml"));
    expect(code).toBe(0);
    const artifacts = buildArtifacts(testParameters());
    expect(JSON.parse(out)).toEqual({ template: artifacts.template, parameters: artifacts.parametersFile });
    expect(server.requests).toHaveLength(0);
  });

  it("a refused deployment exits 1 naming the deployment, the group and ARM's code; bad parameters exit 2 naming the field", async () => {
    server.inject({ method: "PUT", pathEndsWith: "/deployments/fleetscore-test", status: 400, body: { error: { code: "InvalidTemplateDeployment", message: "The template deployment is not valid" } } });
    const refused = await cli("deploy", "--parameters", parametersFile, "--config-out", join(dir, "pipeline.yaml"));
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("deploy of deployment fleetscore-test in resource group fleetscore-test-rg failed (InvalidTemplateDeployment): The template deployment is not valid");
    await writeFile(parametersFile, stringify({ ...TEST_PARAMETERS_INPUT, environment: "Test_1" }));
    const bad = await cli("deploy", "--parameters", parametersFile, "--config-out", join(dir, "pipeline.yaml"));
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`${parametersFile}: environment: must be 1 to 8 lowercase letters and digits`);
  });

  it("build-templates writes the template, the parameters file and the schema script", async () => {
    const out = join(dir, "dist");
    expect((await cli("build-templates", "--parameters", parametersFile, "--out", out)).code).toBe(0);
    const artifacts = buildArtifacts(testParameters());
    expect(JSON.parse(await readFile(join(out, "fleetscore.json"), "utf8"))).toEqual(artifacts.template);
    expect(JSON.parse(await readFile(join(out, "fleetscore.parameters.json"), "utf8"))).toEqual(artifacts.parametersFile);
    expect(await readFile(join(out, "schema.sql"), "utf8")).toBe(artifacts.schemaSql);
  });
});
