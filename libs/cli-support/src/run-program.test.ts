import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CommonExitCode, UsageError, formatError, parseFlags, runProgram } from "./index.js";

function harness(action: () => Promise<void> | void, aborted = false) {
  let out = "";
  let err = "";
  const controller = new AbortController();
  if (aborted) controller.abort();
  const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, env: {}, abortSignal: controller.signal };
  const program = new Command("demo").exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  let code = 0;
  program.command("go").action(async () => {
    await action();
    code = 7;
  });
  const run = (argv: string[]) => runProgram(program, argv, io, { exitCode: () => code, interruptedMessage: "stopped" });
  return { run, out: () => out, err: () => err };
}

describe("runProgram", () => {
  it("returns the exit code the action chose", async () => {
    expect(await harness(() => undefined).run(["go"])).toBe(7);
  });

  it("maps usage errors, unknown commands and no arguments to 2, help to 0", async () => {
    const usage = harness(() => {
      throw new UsageError("--x: bad");
    });
    expect(await usage.run(["go"])).toBe(CommonExitCode.Usage);
    expect(usage.err()).toBe("error: --x: bad\n");
    expect(await harness(() => undefined).run(["nope"])).toBe(CommonExitCode.Usage);
    const none = harness(() => undefined);
    expect(await none.run([])).toBe(CommonExitCode.Usage);
    expect(none.err()).toMatch(/Usage: demo/);
    expect(await harness(() => undefined).run(["--help"])).toBe(CommonExitCode.Ok);
  });

  it("prints every usage error in one format: one `error: ` line, a flag's or a variable's name first", async () => {
    const flags = harness(() => {
      parseFlags(z.object({ workers: z.coerce.number().int().min(0), runId: z.string().min(3) }), { workers: "-1", runId: "a" });
    });
    expect(await flags.run(["go"])).toBe(CommonExitCode.Usage);
    expect(flags.err()).toMatch(/^error: --workers: [^\n]+; --run-id: [^\n]+\n$/);

    let err = "";
    const io = { stdout: { write: (t: string) => t }, stderr: { write: (t: string) => (err += t) }, env: { FLEETSCORE_LOG_LEVEL: "loud" }, abortSignal: new AbortController().signal };
    const program = new Command("demo").exitOverride();
    program.command("go").action(() => undefined);
    expect(await runProgram(program, ["go"], io, { exitCode: () => 0, interruptedMessage: "stopped" })).toBe(CommonExitCode.Usage);
    expect(err).toMatch(/^error: FLEETSCORE_LOG_LEVEL: [^\n]+\n$/);
    expect(formatError("the database went away", "Run it again.")).toBe("error: the database went away\nRun it again.\n");
  });

  it("maps an abort to 130 with the app's message, anything else to 1 with its stack", async () => {
    const aborted = harness(() => {
      throw new Error("late");
    }, true);
    expect(await aborted.run(["go"])).toBe(CommonExitCode.Interrupted);
    expect(aborted.err()).toBe("interrupted: stopped\n");
    const broken = harness(() => {
      throw new TypeError("boom");
    });
    expect(await broken.run(["go"])).toBe(CommonExitCode.Internal);
    expect(broken.err()).toMatch(/^internal error: TypeError: boom\n {4}at /);
  });

  it("prints --version before a command, and leaves a command's own --version to the command", async () => {
    let out = "";
    let given: unknown;
    const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => t }, env: {}, abortSignal: new AbortController().signal };
    const program = (): Command => {
      const p = new Command("demo").exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
      p.command("push").option("--version <id>").action((opts: { version?: string }) => void (given = opts.version));
      return p;
    };
    const options = { exitCode: () => 0, interruptedMessage: "stopped", version: "9.8.7" };
    expect(await runProgram(program(), ["--version"], io, options)).toBe(CommonExitCode.Ok);
    expect(out).toBe("9.8.7\n");
    expect(await runProgram(program(), ["push", "--version", "v1"], io, options)).toBe(CommonExitCode.Ok);
    expect(given).toBe("v1");
  });
});
