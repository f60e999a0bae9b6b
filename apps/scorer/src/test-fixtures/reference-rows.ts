import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { RunManifest } from "@fleetscore/contracts";
import { REFERENCE_DATA } from "./run-scorer.js";

/** The reference CSV's lines, header first. */
export const REFERENCE_LINES: readonly string[] = readFileSync(REFERENCE_DATA, "utf8").trim().split("\n");

/** A run's `_manifest.json`, checked against the contract. */
export async function readManifest(runDir: string): Promise<RunManifest> {
  return RunManifest.parse(JSON.parse(await readFile(join(runDir, "_manifest.json"), "utf8")));
}

/** Rows of the reference file for one pair, in input order, as `TS,Device,Sensor,Value` lines. */
export function inputRowsOf(device: string, sensor: string): string[] {
  return REFERENCE_LINES.slice(1).filter((l) => {
    const [, d, s] = l.split(",");
    return d === device && s === sensor;
  });
}
