import { readFileSync } from "node:fs";

/** The `version` of the package.json one folder above a module (an app's src/ or dist/), for `--version`. */
export function packageVersion(moduleUrl: string): string {
  return (JSON.parse(readFileSync(new URL("../package.json", moduleUrl), "utf8")) as { version: string }).version;
}
