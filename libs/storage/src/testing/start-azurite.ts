import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Azurite's well-known development account and key (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** A running Azurite blob service of one's own (in memory, on a free port). */
export interface RunningAzurite {
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  readonly accountUrl: string;
  /** A connection string with the account key for that URL. */
  readonly connectionString: string;
  /** The Azurite process (a test may freeze it with SIGSTOP to make a service hang). */
  readonly process: ChildProcess;
  /** Stops it (continuing it first if frozen) and removes its working folder. */
  stop(): Promise<void>;
}

async function azuriteBlobMain(): Promise<string> {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve("azurite/package.json");
  const pkg = JSON.parse(await readFile(pkgPath, "utf8")) as { bin: Record<string, string> };
  return join(dirname(pkgPath), pkg.bin["azurite-blob"]!);
}

function waitForPort(child: ChildProcess, timeoutInMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`Azurite did not start within ${timeoutInMs} ms:\n${output}`)), timeoutInMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /successfully listens on https?:\/\/[^:\s]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code} before listening:\n${output}`));
    });
  });
}

/** Starts Azurite's blob service in memory on a free port (requires the `azurite` package, a dev dependency). */
export async function startAzurite(): Promise<RunningAzurite> {
  const cwd = await mkdtemp(join(tmpdir(), "fleetscore-azurite-"));
  const child = spawn(
    process.execPath,
    [await azuriteBlobMain(), "--blobHost", "127.0.0.1", "--blobPort", "0", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent"],
    { cwd, stdio: ["ignore", "pipe", "pipe"] },
  );
  let port: number;
  try {
    port = await waitForPort(child, 30_000);
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  const accountUrl = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  return {
    accountUrl,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${accountUrl};`,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGCONT");
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(cwd, { recursive: true, force: true });
    },
  };
}
