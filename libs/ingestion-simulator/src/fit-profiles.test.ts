import { writeFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { fitProfilesFromCsv } from "./index.js";

const REFERENCE = resolve(import.meta.dirname, "../../../data/reference/sensor_data.csv");

describe("fitProfilesFromCsv", () => {
  it("fits the reference data: 3 devices x 5 sensors, with each pair's mean and sample stddev", async () => {
    const { profiles, malformed } = await fitProfilesFromCsv(REFERENCE);
    expect(malformed).toBe(0);
    expect(profiles.map((p) => `${p.deviceId}/${p.sensorId}`)).toEqual(["1", "2", "3"].flatMap((d) => ["1", "2", "3", "4", "5"].map((s) => `${d}/${s}`)));
    expect(profiles.reduce((n, p) => n + p.count, 0)).toBe(17_768);
    for (const p of profiles) expect(p.profile.stddev).toBeGreaterThan(0);
  });

  it("computes mean and sample stddev exactly on a small file, skipping a malformed row", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fleetscore-fit-"));
    const csv = join(dir, "r.csv");
    await writeFile(csv, "TS,Device,Sensor,Value\n2024-01-01 00:00:00,a,x,1\n2024-01-01 00:00:05,a,x,3\n2024-01-01 00:00:05,a,x,oops\n");
    const { profiles, malformed } = await fitProfilesFromCsv(csv);
    expect(malformed).toBe(1);
    expect(profiles).toEqual([{ deviceId: "a", sensorId: "x", count: 2, profile: { kind: "normal", mean: 2, stddev: Math.SQRT2 } }]);
  });

  it("fails with InvalidInput naming a missing file", async () => {
    await expect(fitProfilesFromCsv("/nonexistent/readings.csv")).rejects.toMatchObject({ code: "InvalidInput", message: expect.stringMatching(/readings\.csv: the file does not exist/) });
  });
});
