import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { CommonExitCode, runProgram, type ProcessIo } from "@fleetscore/cli-support";
import { Command } from "commander";
import { PipelinePublisherClient, type PipelinePublisherClientOptions } from "../aml/pipeline-publisher-client.js";
import { toPublishSpec } from "../config/publish-spec-from-config.js";
import { loadPublisherConfig } from "../config/publisher-config.js";
import { buildDeployPlan, buildTriggerRequest, disabledSchedule } from "../plan/deploy-plan.js";
import type { PublishSpec } from "../plan/publish-spec.js";
import { isPublisherError, PublisherError } from "../publisher-error.js";
import { formatPlan } from "./dry-run.js";
import { printStatus } from "./status.js";

/** What tests replace: the credential and the ARM endpoint (a local ARM server). */
export interface PublisherCliDeps {
  readonly credential?: TokenCredential;
  readonly client?: PipelinePublisherClientOptions;
  readonly now?: () => Date;
}

interface CommonFlags { config: string; pipeline?: string; dryRun?: boolean; at?: string; last?: string }

/** `fleetscore-publisher deploy|undeploy|trigger|status --config <file>`; returns the exit code. */
export async function runPublisherCli(argv: readonly string[], io: ProcessIo, deps: PublisherCliDeps = {}): Promise<number> {
  let exitCode: number = CommonExitCode.Ok;
  const program = new Command("fleetscore-publisher")
    .description("Publishes the scoring pipeline to Azure Machine Learning and schedules it.")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  const load = async (flags: CommonFlags): Promise<PublishSpec> => toPublishSpec(await loadPublisherConfig(flags.config), flags.pipeline);
  const client = (spec: PublishSpec): PipelinePublisherClient =>
    new PipelinePublisherClient(spec.azure, deps.credential ?? new DefaultAzureCredential(), deps.client);
  const command = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .requiredOption("--config <file>", "pipeline config (YAML or JSON) with an `azure` section")
      .option("--pipeline <name>", "which pipeline of the config (default: the only one)")
      .option("--dry-run", "print every ARM request in order as JSON; send nothing");
  const guarded = (action: (flags: CommonFlags) => Promise<void>) => async (flags: CommonFlags) => {
    try {
      await action(flags);
    } catch (e) {
      if (!isPublisherError(e)) throw e;
      io.stderr.write(`error: ${e.message}\n`);
      exitCode = e.code === "InvalidConfig" ? CommonExitCode.Usage : CommonExitCode.Internal;
    }
  };

  command("deploy", "create or update the compute, environment, components and schedule (idempotent)").action(
    guarded(async (flags) => {
      const spec = await load(flags);
      const plan = buildDeployPlan(spec);
      if (flags.dryRun) return void io.stdout.write(formatPlan(plan.requests));
      const steps = await client(spec).deploy(plan.requests, {
        abortSignal: io.abortSignal,
        onStep: (s) => io.stdout.write(`${s.action.padEnd(9)} ${s.request.kind} ${s.request.name.join(" ")}\n`),
      });
      io.stdout.write(`deployed schedule ${plan.scheduleName}: ${steps.filter((s) => s.action !== "unchanged").length} of ${steps.length} resources written\n`);
    }),
  );
  command("undeploy", "disable the schedule (the compute scales to zero on its own; past runs stay)").action(
    guarded(async (flags) => {
      const spec = await load(flags);
      const plan = buildDeployPlan(spec);
      if (flags.dryRun) return void io.stdout.write(formatPlan([disabledSchedule(plan)]));
      const changed = await client(spec).disableSchedule(plan.scheduleName, { abortSignal: io.abortSignal });
      io.stdout.write(`schedule ${plan.scheduleName} ${changed ? "disabled" : "was already disabled"}\n`);
    }),
  );
  command("trigger", "submit the pipeline job once, now (or for --at)")
    .option("--at <iso>", "the trigger time the run is for (default: now); it names the run")
    .action(
      guarded(async (flags) => {
        const spec = await load(flags);
        const at = flags.at === undefined ? (deps.now?.() ?? new Date()) : new Date(flags.at);
        if (Number.isNaN(at.getTime())) throw new PublisherError(`--at: "${flags.at}" is not an ISO 8601 time`, "InvalidConfig");
        const request = buildTriggerRequest(spec, buildDeployPlan(spec), at);
        if (flags.dryRun) return void io.stdout.write(formatPlan([request]));
        const step = await client(spec).apply(request, { abortSignal: io.abortSignal });
        io.stdout.write(`${step.action === "unchanged" ? "already submitted" : "submitted"}: job ${request.name[0]}\n`);
      }),
    );
  command("status", "show the schedule and the recent jobs with their state")
    .option("--last <n>", "how many recent jobs", "10")
    .action(
      guarded(async (flags) => {
        const last = Number(flags.last);
        if (!Number.isInteger(last) || last < 0) throw new PublisherError(`--last: "${flags.last}" is not a count of jobs`, "InvalidConfig");
        const spec = await load(flags);
        await printStatus(client(spec), spec, buildDeployPlan(spec).scheduleName, last, io);
      }),
    );

  return runProgram(program, argv, io, { exitCode: () => exitCode, interruptedMessage: "stopped; a long-running ARM operation may still finish in Azure" });
}
