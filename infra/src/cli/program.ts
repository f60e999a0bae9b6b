import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { CommonExitCode, runProgram, type ProcessIo } from "@fleetscore/cli-support";
import { Command } from "commander";
import { aggregatorCommand } from "../aggregator-command.js";
import { buildArtifacts, writeArtifacts } from "../artifacts.js";
import { DeploymentClient, type DeploymentClientOptions } from "../deploy/deployment-client.js";
import { loadInfraParameters } from "../parameters.js";
import { formatPipelineConfig, pipelineConfigFromOutputs } from "../pipeline-config.js";

/** What tests replace: the credential and the ARM endpoint (a local ARM server). */
export interface InfraCliDeps {
  readonly credential?: TokenCredential;
  readonly client?: DeploymentClientOptions;
}

interface BuildFlags { parameters: string; out: string }
interface DeployFlags { parameters: string; whatIf?: boolean; dryRun?: boolean; configOut: string; name?: string }

/** `fleetscore-infra build-templates|deploy --parameters <file>`; returns the exit code. */
export async function runInfraCli(argv: readonly string[], io: ProcessIo, deps: InfraCliDeps = {}): Promise<number> {
  const program = new Command("fleetscore-infra")
    .description("Builds the ARM templates of the fleetscore architecture and deploys them.")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  program
    .command("build-templates")
    .description("write the ARM template, its parameters file and the SQL schema script")
    .requiredOption("--parameters <file>", "the environment's parameters (YAML or JSON)")
    .requiredOption("--out <dir>", "where to write them")
    .action(
      async (flags: BuildFlags) => {
        const paths = await writeArtifacts(flags.out, buildArtifacts(await loadInfraParameters(flags.parameters)));
        io.stdout.write(`wrote ${paths.join(", ")}\n`);
      },
    );

  program
    .command("deploy")
    .description("deploy the template to the resource group; write the pipeline config from its outputs")
    .requiredOption("--parameters <file>", "the environment's parameters (YAML or JSON)")
    .option("--what-if", "show what the deployment would change, then deploy")
    .option("--dry-run", "print the template and parameters as JSON; send nothing")
    .option("--name <deployment>", "the deployment's name (default fleetscore-<environment>)")
    .requiredOption("--config-out <file>", "where to write the pipeline config")
    .action(
      async (flags: DeployFlags) => {
        const parameters = await loadInfraParameters(flags.parameters);
        const artifacts = buildArtifacts(parameters);
        if (flags.dryRun) return void io.stdout.write(`${JSON.stringify({ template: artifacts.template, parameters: artifacts.parametersFile }, null, 2)}\n`);
        const deploymentName = flags.name ?? `fleetscore-${parameters.environment}`;
        const target = { subscriptionId: parameters.subscriptionId, resourceGroup: parameters.resourceGroup, deploymentName };
        const client = new DeploymentClient(target, deps.credential ?? new DefaultAzureCredential(), deps.client);
        const options = { abortSignal: io.abortSignal };
        if (flags.whatIf) {
          const changes = await client.whatIf(artifacts.template, artifacts.parametersFile, options);
          io.stdout.write(`what-if: ${changes.length} change(s)\n${changes.map((c) => `  ${c.changeType.padEnd(10)} ${c.resourceId}\n`).join("")}`);
        }
        const outputs = await client.deploy(artifacts.template, artifacts.parametersFile, options);
        await mkdir(dirname(flags.configOut), { recursive: true });
        await writeFile(flags.configOut, formatPipelineConfig(pipelineConfigFromOutputs(parameters, outputs), deploymentName));
        io.stdout.write(`deployed ${deploymentName} to ${parameters.resourceGroup}; pipeline config: ${flags.configOut}\n`);
        io.stdout.write(`next: run infra/dist/schema.sql as the SQL administrator (see infra/README.md), then nx run pipeline-publisher:deploy --config ${flags.configOut}\n`);
        io.stdout.write(`the embedded aggregator instead of Stream Analytics: ${aggregatorCommand(outputs)}\n`);
      },
    );

  // Errors reach runProgram, which maps their code (InvalidParameters: 2, ArmError: 1) and prints the message.
  return runProgram(program, argv, io, { exitCode: () => CommonExitCode.Ok, interruptedMessage: "stopped; a deployment already sent keeps running in Azure" });
}
