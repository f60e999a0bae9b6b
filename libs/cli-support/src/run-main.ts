import { passwordsInArgs, redactingStream } from "./credentials.js";
import { secretValues } from "./env.js";

/** What a CLI gets from its process: streams, environment, and a signal aborted by SIGINT/SIGTERM. */
export interface ProcessIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly abortSignal: AbortSignal;
}

/**
 * The body of an app's `main.ts`: one AbortController for the process (SIGINT/SIGTERM abort it, so the
 * command stops taking work and cleans up), then the exit code the command returns. Commands return exit
 * codes instead of calling `process.exit`, so tests run them in-process. stdout and stderr scrub every
 * secret (the environment's, SQL URL passwords, SAS signatures) out of what is written: the last guard.
 */
export async function runMain(run: (argv: readonly string[], io: ProcessIo) => Promise<number>): Promise<void> {
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => controller.abort());
  }
  const argv = process.argv.slice(2);
  const secrets = [...secretValues(process.env), ...passwordsInArgs(argv)];
  process.exitCode = await run(argv, {
    stdout: redactingStream(process.stdout, secrets),
    stderr: redactingStream(process.stderr, secrets),
    env: process.env,
    abortSignal: controller.signal,
  });
}
