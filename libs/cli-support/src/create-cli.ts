import { Command } from "commander";
import type { z } from "zod";
import type { FleetscoreEnv } from "./env.js";
import { CommonExitCode } from "./exit-codes.js";
import { parseFlags } from "./parse-flags.js";
import type { ProcessIo } from "./run-main.js";
import { runProgram, type RunProgramOptions } from "./run-program.js";

/**
 * What a command gets: the process's streams and signal, and `env`, the environment read once through
 * cli-support's schema (the only way a command reads a variable). `childEnv` is the process environment as
 * is, only to hand on to child processes (PATH, HOME, ...), never to read configuration from.
 */
export interface CommandIo extends Omit<ProcessIo, "env"> {
  readonly env: FleetscoreEnv;
  readonly childEnv: NodeJS.ProcessEnv;
}

/** An app's command line as {@link createCli} builds it. */
export interface Cli {
  /** The commander program: add commands to it. */
  readonly program: Command;
  /** The process I/O with the parsed environment, for the commands (valid inside actions). */
  readonly io: CommandIo;
  /**
   * A commander action: the command's positional arguments (named as declared, camelCased) and options are
   * validated with `schema` (a UsageError naming every bad flag), then `run` is called; a number it returns
   * is the command's exit code.
   */
  action<S extends z.ZodType>(schema: S, run: (args: z.infer<S>, io: CommandIo) => Promise<number | void> | number | void): (...params: unknown[]) => Promise<void>;
  /** Parses argv and runs the chosen command, the way every fleetscore CLI does (see runProgram). */
  run(argv: readonly string[], options: Omit<RunProgramOptions, "exitCode" | "configure">): Promise<number>;
}

const camelCase = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The frame of every fleetscore command line: the program named and described, commander's output sent to
 * the process's streams and its exits turned into exceptions (runProgram maps them), the environment read
 * once, and one exit code set by the actions.
 */
export function createCli(name: string, description: string, processIo: ProcessIo): Cli {
  let exitCode: number = CommonExitCode.Ok;
  let env: FleetscoreEnv | undefined;
  const program = new Command(name)
    .description(description)
    .exitOverride()
    .configureOutput({ writeOut: (s) => processIo.stdout.write(s), writeErr: (s) => processIo.stderr.write(s) });
  const io: CommandIo = {
    stdout: processIo.stdout,
    stderr: processIo.stderr,
    abortSignal: processIo.abortSignal,
    childEnv: processIo.env,
    get env(): FleetscoreEnv {
      if (!env) throw new Error("the environment is read when the program runs: use io.env inside an action");
      return env;
    },
  };
  return {
    program,
    io,
    action: (schema, run) =>
      async (...params: unknown[]): Promise<void> => {
        // commander calls an action with each declared argument, then the options object, then the command.
        const command = params.at(-1) as Command;
        const names = command.registeredArguments.map((a) => camelCase(a.name()));
        const positional = Object.fromEntries(names.map((n, i) => [n, params[i]]).filter(([, v]) => v !== undefined));
        const opts = params.at(-2) as Record<string, unknown>;
        const code = await run(parseFlags(schema, { ...opts, ...positional }), io);
        if (typeof code === "number") exitCode = code;
      },
    run: (argv, options) => runProgram(program, argv, processIo, { ...options, exitCode: () => exitCode, configure: (e) => (env = e) }),
  };
}
