import type { Command } from "commander";
import { openScoringInput, type ScoringInput } from "@fleetscore/batch-scoring";
import type { FleetscoreEnv } from "@fleetscore/cli-support";
import { asUsageError } from "./blame-flag.js";

/**
 * `--data`, `--from`, `--to` and `--window`: the readings (or SQL window aggregates) a command reads, the same
 * for `score` and `models train` because both open them through batch-scoring's openScoringInput.
 * @param use - what the command does with the windows ("score", "train on"), for the help text.
 */
export function addDataOptions(command: Command, use: string): Command {
  return command
    .requiredOption("--data <file|url>", "readings CSV with columns TS,Device,Sensor,Value (plain or gzip; a path or a Blob URL), or window aggregates in SQL: sqlite:<file> | postgres://user@host:port/db | mssql://... (with --from/--to; password: FLEETSCORE_SQL_PASSWORD)")
    .option("--from <iso>", `with a SQL --data: ${use} the windows ending after this time (exclusive), e.g. 2018-08-29T00:00:00Z`)
    .option("--to <iso>", "with a SQL --data: ... and up to this time (inclusive)")
    .option("--window <size>", `with a SQL --data: the window size to ${use} (e.g. 5s, 1m); needed when the database holds several`);
}

/** The values of the options {@link addDataOptions} adds. */
export interface DataArgs {
  readonly data: string;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly window?: string | undefined;
}

/**
 * Opens the input the data options name: the SQL range, window size and password (FLEETSCORE_SQL_PASSWORD)
 * passed on, and an input error turned into a usage error naming its flag.
 */
export function openDataInput(args: DataArgs, ctx: { readonly abortSignal: AbortSignal; readonly env?: FleetscoreEnv | undefined }): Promise<ScoringInput> {
  const password = ctx.env?.FLEETSCORE_SQL_PASSWORD;
  const range = args.from || args.to ? { from: args.from ?? "", to: args.to ?? "" } : undefined;
  return openScoringInput(args.data, {
    abortSignal: ctx.abortSignal,
    ...(range && { range }),
    ...(args.window && { windowSize: args.window }),
    ...(password && { sqlPassword: password }),
    ...(ctx.env && { env: ctx.env }),
  }).catch((e: unknown) => {
    throw asUsageError(e, args.window);
  });
}
