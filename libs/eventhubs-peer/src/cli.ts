import { Command } from "commander";
import { UsageError, runProgram, type ProcessIo } from "@fleetscore/cli-support";
import { setLogLevel } from "@fleetscore/logger";
import { EventHubsPeer } from "./event-hubs-peer.js";

function integer(flag: string, min: number, max: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) throw new UsageError(`${flag}: ${JSON.stringify(text)} is not an integer from ${min} to ${max}`);
    return n;
  };
}

/**
 * `fleetscore-eventhubs-peer --port <p> [--partitions 4] [--hub readings]`: prints one line, the connection
 * string, on stdout, then serves until SIGINT/SIGTERM (exit 0). Logs go to stderr as JSON lines.
 */
export async function runPeerCli(argv: readonly string[], io: ProcessIo): Promise<number> {
  let exitCode = 0;
  const program = new Command("fleetscore-eventhubs-peer")
    .description("A local Event Hubs (AMQP 1.0 on plain TCP) for the @azure/event-hubs SDK: one hub, events in memory.")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .requiredOption("--port <port>", "TCP port (0: a free one, printed in the connection string)", integer("--port", 0, 65535))
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--partitions <n>", "partition count", integer("--partitions", 1, 1024), 4)
    .option("--hub <name>", "event hub name", "readings")
    .option("--consumer-group <name...>", "consumer groups besides $default (default: any name is accepted)")
    .action(async (opts: { port: number; host: string; partitions: number; hub: string; consumerGroup?: string[] }) => {
      const peer = await EventHubsPeer.start({
        port: opts.port,
        host: opts.host,
        partitionCount: opts.partitions,
        hubName: opts.hub,
        ...(opts.consumerGroup && { consumerGroups: opts.consumerGroup }),
      }).catch((e: unknown) => {
        throw new UsageError(`cannot listen on ${opts.host}:${opts.port}: ${(e as Error).message}`, { cause: e });
      });
      io.stdout.write(`${peer.connectionString};EntityPath=${peer.hubName}\n`);
      await new Promise<void>((resolve) => {
        if (io.abortSignal.aborted) resolve();
        io.abortSignal.addEventListener("abort", () => resolve(), { once: true });
      });
      const counts = peer.eventCounts();
      await peer.stop();
      io.stderr.write(`stopped; events held per partition: ${Object.entries(counts).map(([p, n]) => `${p}=${n}`).join(", ")}\n`);
      exitCode = 0;
    });
  return runProgram(program, argv, io, {
    configure: () => setLogLevel(io.env["FLEETSCORE_LOG_LEVEL"] || "warning"),
    exitCode: () => exitCode,
    interruptedMessage: "stopped",
  });
}
