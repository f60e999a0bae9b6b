import { spawn } from "node:child_process";
import { chmod, readFile, readdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHARED_FIXTURES, assertBuilt, makeTempDir, runScorer } from "./test-fixtures/run-scorer.js";

/**
 * The scorer image, built and run as CI builds and runs it. Needs a Docker daemon: .ci/run starts one
 * (tools/docker/start-dockerd.sh) and sets FLEETSCORE_DOCKER_HOST; without it these tests are skipped,
 * and .ci/run says why on a `SKIPPED:` line.
 */
const DOCKER_HOST = process.env["FLEETSCORE_DOCKER_HOST"];
const ROOT = resolve(import.meta.dirname, "../../..");
const REFERENCE = join(SHARED_FIXTURES, "reference");

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, DOCKER_HOST } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

let tmp: string;

describe.skipIf(!DOCKER_HOST)("scorer image (nx run scorer:docker)", () => {
  beforeAll(async () => {
    assertBuilt();
    tmp = await makeTempDir("fleetscore-docker-");
    // The same script as `npx nx run scorer:docker`, with no network during the build.
    const build = await run(process.execPath, ["tools/docker/build-scorer-image.mjs", "--network", "none"]);
    expect(build.code, build.stdout + build.stderr).toBe(0);
  }, 300_000);
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("is tagged with the version and latest, runs as a non-root user, and carries only linux/x64 onnxruntime", async () => {
    const inspect = await run("docker", ["image", "inspect", "-f", "{{.Config.User}} {{json .Config.Entrypoint}} {{.Size}}", "fleetscore/scorer:latest"]);
    expect(inspect.code, inspect.stderr).toBe(0);
    const [user, entrypoint, size] = inspect.stdout.trim().split(" ");
    expect(user).toBe("node");
    expect(JSON.parse(entrypoint!)).toEqual(["node", "/app/apps/scorer/dist/main.js"]);
    expect(Number(size)).toBeLessThan(400e6);
    const version = JSON.parse(await readFile(join(ROOT, "apps/scorer/package.json"), "utf8")).version as string;
    const tagged = await run("docker", ["image", "inspect", `fleetscore/scorer:${version}`]);
    expect(tagged.code).toBe(0);
    const platforms = await run("docker", ["run", "--rm", "--network", "none", "--entrypoint", "node", "fleetscore/scorer:latest", "-e",
      "console.log(require('fs').readdirSync('/app/node_modules/onnxruntime-node/bin/napi-v6').join(','), process.getuid())"]);
    expect(platforms.stdout.trim()).toBe("linux 1000");
  });

  it("scores the reference set with no network, fixtures read-only, and writes what the host scorer writes", async () => {
    for (const engine of ["auto", "onnx"]) {
      const containerOut = join(tmp, `container-${engine}`);
      const hostOut = join(tmp, `host-${engine}`);
      await run("mkdir", ["-p", containerOut]);
      await chmod(containerOut, 0o777); // the image runs as uid 1000
      const r = await run("docker", [
        "run", "--rm", "--network", "none",
        "-v", `${REFERENCE}:/data:ro`, "-v", `${containerOut}:/out`,
        "fleetscore/scorer:latest", "score", "--models", "/data/models", "--data", "/data/sensor_data.csv", "--out", "/out", "--run-id", "c", "--engine", engine,
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("15 models scored");
      const host = await runScorer(["score", "--models", join(REFERENCE, "models"), "--data", join(REFERENCE, "sensor_data.csv"), "--out", hostOut, "--run-id", "c", "--engine", engine]);
      expect(host.code, host.stderr).toBe(0);
      const names = (await readdir(join(hostOut, "c"))).filter((n) => n.startsWith("preds_")).sort();
      expect(names).toHaveLength(15);
      expect((await readdir(join(containerOut, "c"))).filter((n) => n.startsWith("preds_")).sort()).toEqual(names);
      for (const n of names) {
        const [a, b] = await Promise.all([readFile(join(hostOut, "c", n)), readFile(join(containerOut, "c", n))]);
        expect(a.equals(b), `${engine} ${n}`).toBe(true);
      }
    }
  });
});
