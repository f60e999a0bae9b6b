import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ArmParametersFile, ArmTemplate } from "./arm/template.js";
import type { ResourceNames } from "./naming.js";
import type { InfraParameters } from "./parameters.js";
import { schemaScript } from "./sql/schema-script.js";
import { buildTemplate } from "./template.js";

/** What `build-templates` writes, by file name. */
export const ARTIFACT_FILES = { template: "fleetscore.json", parameters: "fleetscore.parameters.json", schema: "schema.sql" } as const;

export interface InfraArtifacts {
  readonly template: ArmTemplate;
  readonly parametersFile: ArmParametersFile;
  /** The T-SQL the SQL administrator runs once after the deployment (sql/schema-script.ts). */
  readonly schemaSql: string;
  readonly names: ResourceNames;
}

export function buildArtifacts(parameters: InfraParameters): InfraArtifacts {
  const { template, parametersFile, names } = buildTemplate(parameters);
  return { template, parametersFile, names, schemaSql: schemaScript(parameters, names) };
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** Writes the template, its parameters file and the schema script into `dir`; returns the paths. */
export async function writeArtifacts(dir: string, artifacts: InfraArtifacts): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    [ARTIFACT_FILES.template, json(artifacts.template)],
    [ARTIFACT_FILES.parameters, json(artifacts.parametersFile)],
    [ARTIFACT_FILES.schema, artifacts.schemaSql],
  ];
  for (const [name, content] of files) await writeFile(join(dir, name), content);
  return files.map(([name]) => join(dir, name));
}
