#!/usr/bin/env node
/**
 * `npx nx run scorer:docker`: stages the build context and builds the scorer image, tagged
 * `fleetscore/scorer:<version>` and `fleetscore/scorer:latest`. Extra arguments go to `docker build`
 * (e.g. `--network none`, `--pull`). DOCKER_HOST selects the daemon as usual.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const version = JSON.parse(readFileSync(join(root, "apps/scorer/package.json"), "utf8")).version;
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`${cmd} ${args.join(" ")} failed${r.error ? `: ${r.error.message}` : ` with exit code ${r.status}`}`);
    process.exit(r.status || 1);
  }
};

run(process.execPath, [join(root, "tools/docker/stage-scorer-context.mjs")]);
const tags = [`fleetscore/scorer:${version}`, "fleetscore/scorer:latest"];
run("docker", ["build", "-f", "apps/scorer/Dockerfile", ...tags.flatMap((t) => ["-t", t]), ...process.argv.slice(2), "."]);
const size = spawnSync("docker", ["image", "inspect", "-f", "{{.Size}}", tags[0]], { cwd: root, encoding: "utf8" });
if (size.status === 0) console.log(`built ${tags.join(", ")}: ${(Number(size.stdout) / 1e6).toFixed(0)} MB`);
