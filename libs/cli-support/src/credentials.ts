import { credentialInLocation, redactCredentials } from "@fleetscore/contracts";
import { UsageError } from "./usage-error.js";

/**
 * Refuses any argument that carries a credential in a location (user info or a SAS query in an http(s)
 * URL), for every flag of every command at once, before anything is opened, written or logged.
 * The message names the flag, never the value. @throws UsageError
 */
export function refuseCredentialsInArgs(argv: readonly string[]): void {
  argv.forEach((arg, i) => {
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const value = eq > 0 ? arg.slice(eq + 1) : arg;
    const why = credentialInLocation(value);
    if (!why) return;
    const flag = eq > 0 ? arg.slice(0, eq) : argv[i - 1]?.startsWith("-") ? argv[i - 1] : "an argument";
    throw new UsageError(`${flag}: ${why}: credentials come from AZURE_STORAGE_CONNECTION_STRING or DefaultAzureCredential, never from a location`);
  });
}

/** Passwords of the SQL URLs among the arguments (they may carry one; the SQL stores redact it). */
export function passwordsInArgs(argv: readonly string[]): string[] {
  const found: string[] = [];
  for (const m of argv.join(" ").matchAll(/[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:([^\s@/]+)@/gi)) {
    found.push(m[1]!);
    try {
      found.push(decodeURIComponent(m[1]!));
    } catch {
      // not percent-encoded: the raw form is enough
    }
  }
  return found.filter((s) => s.length >= 4);
}

/** `text` with URL credentials, connection-string keys and the given secret values masked. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = redactCredentials(text);
  for (const s of secrets) out = out.split(s).join("***");
  return out;
}

/** The stream, its `write` scrubbing secrets out of every string (the last guard on stdout/stderr). */
export function redactingStream<T extends { write(text: string): unknown }>(stream: T, secrets: readonly string[]): T {
  return new Proxy(stream, {
    get(target, prop) {
      if (prop === "write") {
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...a: unknown[]) => unknown)(typeof chunk === "string" ? scrubSecrets(chunk, secrets) : chunk, ...rest);
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
