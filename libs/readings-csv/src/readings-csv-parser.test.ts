import { readFile } from "node:fs/promises";
import { ReadingCsvRecord } from "@fleetscore/contracts";
import { describe, expect, it } from "vitest";
import { ReadingsCsvParser, latin1 } from "./readings-csv-parser.js";
import { REFERENCE_DATA } from "./test-fixtures/paths.js";

interface Parsed {
  readonly valid: Array<{ line: number; ts: string; device: string; sensor: string; valueText: string; value: number }>;
  readonly malformed: Array<{ line: number; message: string }>;
}

function parse(text: string | Buffer, pieceSize = Infinity): Parsed {
  const valid: Parsed["valid"] = [];
  const malformed: Parsed["malformed"] = [];
  const parser = new ReadingsCsvParser({
    row: (buf, f, value, line) =>
      valid.push({ line, ts: latin1(buf, f[0]!, f[1]!), device: latin1(buf, f[2]!, f[3]!), sensor: latin1(buf, f[4]!, f[5]!), valueText: latin1(buf, f[6]!, f[7]!), value }),
    malformed: (line, message) => malformed.push({ line, message }),
  });
  const bytes = typeof text === "string" ? Buffer.from(text, "latin1") : text;
  for (let i = 0; i < bytes.length; i += pieceSize) parser.push(bytes.subarray(i, Math.min(bytes.length, i + pieceSize)));
  parser.end();
  return { valid, malformed };
}

/** Rows that probe every rule of ReadingCsvRecord; the parser must agree with the zod schema on each. */
const CORPUS = [
  "2018-08-28 23:00:05.000,1,1,10.16",
  "2018-08-28T23:00:05Z,1,1,10",
  "2018-08-28T23:00:05.123456789Z,pump-17,temp.in,-1.5e-3",
  "2018-08-28 23:00:05.1234567890,1,1,1",
  "2018-08-28 23:00:05.,1,1,1",
  "2018-08-28 23:00,1,1,1",
  "2018-08-28 24:00:00,1,1,1",
  "2018-08-28 23:60:00,1,1,1",
  "2018-08-28 23:00:60,1,1,1",
  "2016-02-29 00:00:00,1,1,1",
  "2018-02-29 00:00:00,1,1,1",
  "2000-02-29 00:00:00,1,1,1",
  "1900-02-29 00:00:00,1,1,1",
  "2018-04-31 00:00:00,1,1,1",
  "2018-00-10 00:00:00,1,1,1",
  "2018-08-28 23:00:05+02:00,1,1,1",
  "2018-08-28x23:00:05,1,1,1",
  "2018-08-28 23:00:05.000,,1,1",
  "2018-08-28 23:00:05.000,1,,1",
  "2018-08-28 23:00:05.000,1_2,1,1",
  "2018-08-28 23:00:05.000,-1,1,1",
  "2018-08-28 23:00:05.000,a.b-c,Z9,1",
  `2018-08-28 23:00:05.000,${"d".repeat(64)},1,1`,
  `2018-08-28 23:00:05.000,${"d".repeat(65)},1,1`,
  "2018-08-28 23:00:05.000,1,1,",
  "2018-08-28 23:00:05.000,1,1,+.5",
  "2018-08-28 23:00:05.000,1,1,5.",
  "2018-08-28 23:00:05.000,1,1,.",
  "2018-08-28 23:00:05.000,1,1,1e",
  "2018-08-28 23:00:05.000,1,1,1e+308",
  "2018-08-28 23:00:05.000,1,1,1e309",
  "2018-08-28 23:00:05.000,1,1,-0",
  "2018-08-28 23:00:05.000,1,1,0x10",
  "2018-08-28 23:00:05.000,1,1,NaN",
  "2018-08-28 23:00:05.000,1,1,Infinity",
  "2018-08-28 23:00:05.000,1,1,12345678901234567890.123",
  "2018-08-28 23:00:05.000,1,1,1 2",
  "2018-08-28 23:00:05.000 , 1 , 1 , 3.5 ",
];

describe("ReadingsCsvParser", () => {
  it("accepts and rejects exactly what contracts' ReadingCsvRecord does, row by row", () => {
    const { valid, malformed } = parse(["TS,Device,Sensor,Value", ...CORPUS].join("\n"));
    CORPUS.forEach((row, i) => {
      const line = i + 2;
      const [TS, Device, Sensor, Value] = row.split(",").map((f) => f.trim());
      const expected = ReadingCsvRecord.safeParse({ TS, Device, Sensor, Value });
      const got = valid.find((v) => v.line === line);
      expect(got !== undefined, `line ${line}: ${row}`).toBe(expected.success);
      if (got) expect(got.value, row).toBe(Number(Value));
      else expect(malformed.some((m) => m.line === line), `line ${line} reported`).toBe(true);
    });
    expect(valid.length + malformed.length).toBe(CORPUS.length);
  });

  it("quotes a UTF-8 value as UTF-8, not byte by byte (Gerät, not GerÃ¤t)", () => {
    const { malformed } = parse(Buffer.from("TS,Device,Sensor,Value\n2018-08-28 23:00:05.000,Gerät,1,1\n", "utf8"));
    expect(malformed).toHaveLength(1);
    expect(malformed[0]!.message).toMatch(/^Device "Gerät": must be/);
  });

  it("names the column and the value of a malformed row", () => {
    const { malformed } = parse("TS,Device,Sensor,Value\n2018-08-28 23:00:05.000,1,1,abc\n2018-08-28 23:00:05.000,1,1\nnow,1,1,2\n");
    expect(malformed).toEqual([
      { line: 2, message: 'Value "abc": must be a decimal number' },
      { line: 3, message: "Value: missing" },
      { line: 4, message: 'TS "now": must be a UTC timestamp YYYY-MM-DD HH:MM:SS[.fff] or ISO-8601' },
    ]);
  });

  it("reads the reference file, whatever the chunk boundaries, and keeps TS and Value verbatim", async () => {
    const bytes = await readFile(REFERENCE_DATA);
    const whole = parse(bytes);
    expect(whole.valid).toHaveLength(17_768);
    expect(whole.malformed).toEqual([]);
    expect(whole.valid[1]).toMatchObject({ line: 3, ts: "2018-08-28 23:00:05.000", device: "1", sensor: "4", valueText: "84.53", value: 84.53 });
    for (const pieceSize of [1, 7, 4096]) {
      const pieces = parse(bytes.subarray(0, 20_000), pieceSize);
      expect(pieces.valid).toEqual(parse(bytes.subarray(0, 20_000)).valid);
    }
  });

  it("handles CRLF, a BOM, blank lines, columns in any order, extra columns and quoted fields", () => {
    const text = '\uFEFFvalue,extra,sensor,TS,device\r\n\r\n"1.5",x,2,2018-08-28 23:00:05.000,7\r\n2.5,"a,b",2,"2018-08-28 23:00:10.000",7\r\n"bad\r\n';
    const { valid, malformed } = parse(Buffer.from(text, "utf8"));
    expect(valid.map((v) => [v.line, v.ts, v.device, v.sensor, v.valueText])).toEqual([
      [3, "2018-08-28 23:00:05.000", "7", "2", "1.5"],
      [4, "2018-08-28 23:00:10.000", "7", "2", "2.5"],
    ]);
    expect(malformed).toHaveLength(1);
    expect(malformed[0]!.line).toBe(5);
  });

  it("refuses a header without the four columns and an empty file", () => {
    expect(() => parse("TS,Device,Value\n")).toThrow(/missing column\(s\) Sensor/);
    expect(() => parse("")).toThrow(/is empty/);
  });
});
