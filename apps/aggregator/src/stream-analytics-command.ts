import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { streamAnalyticsJobSettings, streamAnalyticsQuery } from "@fleetscore/stream-windowing";
import { z } from "zod";
import { ExitCode } from "./exit-codes.js";
import { UsageError } from "@fleetscore/cli-support";
import { WindowingArgs, toWindowingOptions } from "./windowing-args.js";

export const StreamAnalyticsArgs = WindowingArgs.extend({ out: z.string().min(1) });
export type StreamAnalyticsArgs = z.infer<typeof StreamAnalyticsArgs>;

export const QUERY_FILE = "query.asaql";
export const JOB_SETTINGS_FILE = "job-settings.json";

/** Writes the Stream Analytics query and job settings for the same windowing options as `run`. */
export async function runStreamAnalyticsCommand(args: StreamAnalyticsArgs, io: { stdout: { write(text: string): unknown } }): Promise<ExitCode> {
  const options = toWindowingOptions(args);
  let query: string;
  let settings: unknown;
  try {
    query = streamAnalyticsQuery(options);
    settings = streamAnalyticsJobSettings(options);
  } catch (e) {
    // Stream Analytics takes whole seconds for tolerances: say which flag cannot be expressed.
    throw new UsageError((e as Error).message, { cause: e });
  }
  await mkdir(args.out, { recursive: true });
  await writeFile(join(args.out, QUERY_FILE), query);
  await writeFile(join(args.out, JOB_SETTINGS_FILE), JSON.stringify(settings, null, 2) + "\n");
  io.stdout.write(`wrote ${join(args.out, QUERY_FILE)} and ${join(args.out, JOB_SETTINGS_FILE)}\n`);
  return ExitCode.Ok;
}
