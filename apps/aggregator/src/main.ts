#!/usr/bin/env node
import { runCli } from "./cli.js";

// One AbortController for the process: SIGINT/SIGTERM stop reading; what was read is saved first.
const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => controller.abort());
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  abortSignal: controller.signal,
});
