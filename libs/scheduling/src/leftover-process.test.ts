import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { stopLeftoverProcess } from "./leftover-process.js";

const exited = (child: ReturnType<typeof spawn>) => new Promise((r) => child.once("exit", r));
const sleeper = (marker: string) => spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)", "--", "--run-id", marker], { stdio: "ignore" });

describe("stopLeftoverProcess", () => {
  it("kills a live process whose command line names the run", async () => {
    const child = sleeper("run-a");
    await new Promise((r) => child.once("spawn", r));
    const exit = exited(child);
    expect(await stopLeftoverProcess(child.pid, "run-a")).toBe("stopped");
    await exit;
    expect(child.signalCode).toBe("SIGKILL");
  });

  it.runIf(process.platform === "linux")("leaves alone a process the pid now belongs to when it is not the run's", async () => {
    const child = sleeper("run-b");
    await new Promise((r) => child.once("spawn", r));
    try {
      expect(await stopLeftoverProcess(child.pid, "some-other-run")).toBe("unrelated");
      expect(child.exitCode === null && child.signalCode === null).toBe(true);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it.runIf(process.platform === "linux")("treats an exited but unreaped process (a zombie) as gone instead of waiting on it", async () => {
    // A child that has exited but whose exit this process has not yet collected stays a zombie. Waiting
    // synchronously keeps Node's event loop from reaping it before the check.
    const child = spawn("sh", ["-c", "exit 0"], { stdio: "ignore" });
    await new Promise((r) => child.once("spawn", r));
    while (!/\) Z /.test(readFileSync(`/proc/${child.pid}/stat`, "utf8"))) {
      /* busy: no reaping while the child exits */
    }
    expect(await stopLeftoverProcess(child.pid, "sh")).toBe("none");
  });

  it("returns none for no pid and for a pid no process has", async () => {
    expect(await stopLeftoverProcess(undefined, "x")).toBe("none");
    const child = spawn("true");
    await exited(child);
    expect(await stopLeftoverProcess(child.pid, "x")).toBe("none");
  });
});
