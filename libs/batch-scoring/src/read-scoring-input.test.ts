import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isBatchScoringError, readScoringInput } from "./index.js";
import { REFERENCE_DATA, makeTempDir } from "./test-fixtures/paths.js";

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectInputError(path: string, code: string, part: string | RegExp): Promise<void> {
  const err = await readScoringInput(path).catch((e: unknown) => e);
  expect(isBatchScoringError(err), String(err)).toBe(true);
  expect((err as { code: string }).code).toBe(code);
  expect((err as Error).message).toMatch(part);
}

describe("readScoringInput", () => {
  it("groups the reference file's 17,768 rows into 15 pairs, keeping the text of TS and Value", async () => {
    const input = await readScoringInput(REFERENCE_DATA);
    expect(input.rows).toBe(17_768);
    expect(input.malformedRows).toBe(0);
    expect(input.groups.size).toBe(15);
    const total = [...input.groups.values()].reduce((n, g) => n + g.values.length, 0);
    expect(total).toBe(17_768);
    // Row 2 of the file: 2018-08-28 23:00:05.000,1,4,84.53
    const g14 = input.groups.get("1_4")!;
    expect(g14.tsText[0]).toBe("2018-08-28 23:00:05.000");
    expect(g14.valueText[0]).toBe("84.53");
    expect(g14.values[0]).toBe(84.53);
  });

  it("reads the same rows from a gzip copy", async () => {
    const gz = join(dir, "data.csv.gz");
    await writeFile(gz, gzipSync(await readFile(REFERENCE_DATA)));
    const [plain, zipped] = await Promise.all([readScoringInput(REFERENCE_DATA), readScoringInput(gz)]);
    expect(zipped.rows).toBe(plain.rows);
    expect(zipped.groups.get("3_5")).toEqual(plain.groups.get("3_5"));
  });

  it("counts malformed rows with line numbers and keeps the valid ones", async () => {
    const path = join(dir, "malformed.csv");
    await writeFile(
      path,
      [
        "TS,Device,Sensor,Value",
        "2018-08-28 23:00:05.000,1,1,10.16", // line 2 ok
        "2018-08-28 23:00:05.000,1,1", // 3 missing column
        "2018-08-28 23:00:10.000,1,1,abc", // 4 non-numeric
        "2018-13-28 23:00:10.000,1,1,1.5", // 5 bad month
        "yesterday,1,1,1.5", // 6 bad ts
        "2018-08-28 23:00:15.000,1_x,1,1.5", // 7 bad device id
        "2018-08-28 23:00:20.000,1,1,", // 8 empty value
        "",
        "2018-08-28 23:00:25.000,1,1,-1.5e2", // 10 ok
      ].join("\n"),
    );
    const input = await readScoringInput(path);
    expect(input.rows).toBe(8);
    expect(input.malformedRows).toBe(6);
    expect(input.groups.get("1_1")?.values).toEqual([10.16, -150]);
    expect(input.malformedSamples.map((s) => s.line)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(input.malformedSamples[0]!.message).toMatch(/^Value: missing/);
    expect(input.malformedSamples[1]!.message).toContain('Value "abc"');
    expect(input.malformedSamples[2]!.message).toContain('TS "2018-13-28 23:00:10.000"');
    expect(input.malformedSamples[4]!.message).toContain('Device "1_x"');
  });

  it("limits the samples but counts every malformed row", async () => {
    const path = join(dir, "many-bad.csv");
    await writeFile(path, ["TS,Device,Sensor,Value", ...Array.from({ length: 50 }, () => "x,1,1,1")].join("\n"));
    const input = await readScoringInput(path, { maxMalformedSamples: 3 });
    expect(input.malformedRows).toBe(50);
    expect(input.malformedSamples).toHaveLength(3);
  });

  it("names the file and the problem for a missing file, a missing column and a truncated gzip", async () => {
    await expectInputError(join(dir, "nope.csv"), "InputNotFound", /nope\.csv does not exist/);
    const noValue = join(dir, "no-value.csv");
    await writeFile(noValue, "TS,Device,Sensor\n2018-08-28 23:00:05.000,1,1\n");
    await expectInputError(noValue, "InvalidInput", /missing column\(s\) Value/);
    const empty = join(dir, "empty.csv");
    await writeFile(empty, "");
    await expectInputError(empty, "InvalidInput", /is empty/);
    const gz = gzipSync(await readFile(REFERENCE_DATA));
    const truncated = join(dir, "truncated.csv.gz");
    await writeFile(truncated, gz.subarray(0, gz.length >> 1));
    await expectInputError(truncated, "InvalidInput", /truncated\.csv\.gz is not valid gzip or is truncated/);
  });
});
