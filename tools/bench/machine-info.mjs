// The machine a bench ran on: CPU model, cores, node version, total memory.
import { readFileSync } from "node:fs";
import os from "node:os";

/**
 * @returns {{ date: string, cpu: string, cores: number, logicalCpus: number, node: string, totalMemoryMB: number,
 *   platform: string, loadAverage1m: number }}
 */
export function machineInfo() {
  let cpu = os.cpus()[0]?.model ?? "unknown";
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  return {
    date: new Date().toISOString(),
    cpu,
    cores: os.availableParallelism(),
    logicalCpus: os.cpus().length,
    node: process.version,
    totalMemoryMB: Math.round(os.totalmem() / 2 ** 20),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    // Other work on the machine makes every figure noisy.
    loadAverage1m: os.loadavg()[0],
  };
}
