import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FleetscoreError } from "@fleetscore/contracts";
import { CommonExitCode, ERROR_CODE_KINDS, UsageError, exitCodeForError } from "./index.js";

const LIBS = join(import.meta.dirname, "../..");

/** Every `code` a lib declares: the string members of its exported `...ErrorCode` union types. */
function libErrorCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? (d.name === "node_modules" || d.name === "dist" ? [] : walk(join(dir, d.name))) : d.name.endsWith(".ts") && !d.name.endsWith(".test.ts") ? [join(dir, d.name)] : []));
  for (const file of walk(LIBS)) {
    // Comments first: they may hold a `;` or a quoted word.
    const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    for (const m of text.matchAll(/export type (\w+ErrorCode)\s*=([^;]*);/g)) {
      for (const c of m[2]!.matchAll(/"(\w+)"/g)) codes.set(c[1]!, `${m[1]} (${file.slice(LIBS.length)})`);
    }
  }
  return codes;
}

class DemoError extends FleetscoreError<"Unavailable" | "InvalidLocation" | "Mystery"> {}

describe("ERROR_CODE_KINDS", () => {
  it("classifies every error code the libs define", () => {
    const codes = libErrorCodes();
    expect(codes.size).toBeGreaterThan(40); // the scan found the libs (42 distinct codes when written)
    const missing = [...codes].filter(([code]) => !(code in ERROR_CODE_KINDS)).map(([code, where]) => `${code} of ${where}`);
    expect(missing).toEqual([]);
  });

  it("maps service and I/O failures to 1 and input errors to 2", () => {
    for (const code of ["Unavailable", "OutputFailed", "WriteFailed", "ReadFailed", "RunStoreUnavailable", "ENOSPC"]) expect(ERROR_CODE_KINDS[code], code).toBe("run-time");
    for (const code of ["Usage", "InvalidLocation", "InputNotFound", "InvalidInput", "NoModels", "ShardMismatch"]) expect(ERROR_CODE_KINDS[code], code).toBe("input");
  });
});

describe("exitCodeForError", () => {
  it("decides by code over the cause chain: a run-time cause under a usage error is a run-time failure", () => {
    const down = new DemoError("PostgreSQL at 127.0.0.1:1 is unavailable", "Unavailable");
    const wrapped = new UsageError("--out: Cannot read data file postgres://", { cause: down });
    expect(exitCodeForError(wrapped)).toEqual({ exitCode: CommonExitCode.Failed, error: down, known: true });
    const bad = new UsageError("--data: bad URL", { cause: new DemoError("bad", "InvalidLocation") });
    expect(exitCodeForError(bad)).toEqual({ exitCode: CommonExitCode.Usage, error: bad, known: true });
  });

  it("treats Node's disk-full error as a run-time failure, an unknown code or none as internal", () => {
    const full = Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    expect(exitCodeForError(new DemoError("write failed", "Mystery", { cause: full })).exitCode).toBe(CommonExitCode.Failed);
    expect(exitCodeForError(new DemoError("?", "Mystery")).known).toBe(false);
    expect(exitCodeForError(new TypeError("boom"))).toMatchObject({ exitCode: CommonExitCode.Internal, known: false });
  });
});
