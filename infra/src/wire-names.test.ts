import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { buildTemplate, type ArmResource } from "./index.js";
import { testParameters } from "./test-fixtures/parameters.js";

/**
 * The SDK models are client models: the generated serializers rename a few properties on the wire
 * (`enableHttpsTrafficOnly` -> `supportsHttpsTrafficOnly`). A template must use the wire names, so each
 * property name the template sets is looked up in its package's own serializer code: a track-2 mapper
 * (`serializedName: "properties.<name>"`) or a modular serializer (`<name>: item["<name>"]`).
 */
const PACKAGE_OF: Record<string, string | undefined> = {
  "Microsoft.EventHub": "@azure/arm-eventhub",
  "Microsoft.Storage": "@azure/arm-storage",
  "Microsoft.Sql": "@azure/arm-sql",
  "Microsoft.StreamAnalytics": "@azure/arm-streamanalytics",
  "Microsoft.MachineLearningServices": "@azure/arm-machinelearning",
  "Microsoft.KeyVault": "@azure/arm-keyvault",
  "Microsoft.OperationalInsights": "@azure/arm-operationalinsights",
  "Microsoft.Insights": "@azure/arm-appinsights",
  "Microsoft.ContainerRegistry": "@azure/arm-containerregistry",
  "Microsoft.Authorization": "@azure/arm-authorization",
};

const require = createRequire(import.meta.url);
const sources = new Map<string, string>();
function sourceOf(pkg: string): string {
  if (!sources.has(pkg)) {
    const entry = require.resolve(pkg);
    // Modular packages spread their models over files; their models module holds every serializer.
    const modelsFile = entry.replace(/index\.js$/, "models/models.js");
    let text = readFileSync(entry, "utf8");
    try {
      // Only the serializers (client -> wire), whose keys are wire names; the deserializers' are client names.
      const functions = readFileSync(modelsFile, "utf8").split(/^(?:export )?function /m);
      text += functions.filter((f) => /^\w+Serializer\(/.test(f) && !/^\w+Deserializer\(/.test(f)).join("\n");
    } catch {
      // A track-2 bundle: the mappers are in the entry itself.
    }
    sources.set(pkg, text);
  }
  return sources.get(pkg)!;
}

const isWireName = (source: string, name: string): boolean =>
  source.includes(`serializedName: "properties.${name}"`) || source.includes(`serializedName: "${name}"`) || new RegExp(`^\\s+${name}: `, "m").test(source);

describe("property names on the wire", () => {
  const { template } = buildTemplate(testParameters());
  const cases = template.resources.map((r: ArmResource) => [r.type, r] as const);
  it.each(cases)("%s sets only its wire names", (type, resource) => {
    const pkg = PACKAGE_OF[type.split("/")[0]!];
    if (!pkg) return; // user-assigned identities: no properties
    const source = sourceOf(pkg);
    const properties = resource.properties as Record<string, unknown>;
    const names = Object.keys(properties).filter((k) => !isWireName(source, k));
    expect(names, `${type} properties missing from ${pkg}'s serializers`).toEqual(
      // Declared by hand (newer than the package's model): the documented wire names.
      type === "Microsoft.Insights/components" ? ["WorkspaceResourceId"] : [],
    );
  });

  it("a renamed property is caught: the client name enableHttpsTrafficOnly is not a wire name", () => {
    expect(isWireName(sourceOf("@azure/arm-storage"), "enableHttpsTrafficOnly")).toBe(false);
    expect(isWireName(sourceOf("@azure/arm-storage"), "supportsHttpsTrafficOnly")).toBe(true);
    expect(isWireName(sourceOf("@azure/arm-appinsights"), "applicationType")).toBe(false);
  });
});
