import { describe, expect, it } from "vitest";
import { MAX_QUOTED_INPUT_CHARACTERS } from "@fleetscore/contracts";
import { readLineChunks } from "./line-chunks.js";
import { MAX_LINE_BYTES } from "./line-limit.js";
import { ReadingsCsvParser } from "./readings-csv-parser.js";

const HEADER = "TS,Device,Sensor,Value\n";
const ROW = "2024-01-01 00:00:05.000,1,1,10.5\n";
const BLOCK = 1 << 16;

/** The header, a row, a line of `longLength` bytes (a TS field of 'x'), `\n`, and another row, in 64 KiB blocks. */
async function* withLongLine(longLength: number): AsyncIterable<Uint8Array> {
  yield Buffer.from(HEADER + ROW + "2024");
  const x = Buffer.alloc(BLOCK, "x");
  for (let left = longLength - 4; left > 0; left -= BLOCK) yield left >= BLOCK ? x : x.subarray(0, left);
  yield Buffer.from(`,1,1,1\n${ROW}`);
}

interface Parsed {
  rows: number;
  malformed: Array<{ line: number; message: string }>;
}

function sink(parsed: Parsed) {
  return {
    row: () => void parsed.rows++,
    malformed: (line: number, message: string) => void parsed.malformed.push({ line, message }),
  };
}

describe(`the line-length limit (${MAX_LINE_BYTES} bytes)`, () => {
  it("cuts a 64 MB line short in the chunks, counts the bytes it left out, and the parser counts the line malformed", async () => {
    const longLength = 64 << 20;
    const { header, chunks } = await readLineChunks({ stream: withLongLine(longLength), location: "memory" }, { chunkSizeInBytes: 1 << 20 });
    const parsed: Parsed = { rows: 0, malformed: [] };
    const parser = new ReadingsCsvParser(sink(parsed), { columns: header.columns });
    let largest = 0;
    let dataBytes = 0;
    for await (const chunk of chunks) {
      largest = Math.max(largest, chunk.bytes.length);
      dataBytes += chunk.dataBytes;
      parser.push(chunk.bytes);
    }
    parser.end();
    // Memory stays bounded: no chunk holds more than a chunk's worth plus one cut line.
    expect(largest).toBeLessThanOrEqual((1 << 20) + MAX_LINE_BYTES + 2);
    expect(dataBytes).toBe(ROW.length + longLength + ",1,1,1\n".length + ROW.length);
    expect(parsed.rows).toBe(2);
    expect(parsed.malformed).toEqual([{ line: 2, message: `line: longer than the limit of 65,536 bytes` }]);
  });

  it("keeps the parser's memory bounded when a long line comes in small pieces", () => {
    const parsed: Parsed = { rows: 0, malformed: [] };
    const parser = new ReadingsCsvParser(sink(parsed));
    parser.push(Buffer.from(HEADER + ROW));
    const piece = Buffer.alloc(4096, "7");
    for (let i = 0; i < 1024; i++) parser.push(piece); // 4 MiB without a newline
    parser.push(Buffer.from(`\n${ROW}`));
    parser.end();
    expect(parsed).toEqual({ rows: 2, malformed: [{ line: 3, message: `line: longer than the limit of 65,536 bytes` }] });
  });

  it("quotes at most ~100 escaped characters of a field in a message", () => {
    const parsed: Parsed = { rows: 0, malformed: [] };
    const parser = new ReadingsCsvParser(sink(parsed));
    parser.push(Buffer.from(`${HEADER}2024-01-01 00:00:05.000,1,1,${"9\\n".repeat(20_000)}x\n`));
    parser.end();
    expect(parsed.malformed).toHaveLength(1);
    const { message } = parsed.malformed[0]!;
    expect(message).toMatch(/^Value ".*"\.\.\. \(60,001 characters\): must be a decimal number$/);
    expect(message.length).toBeLessThan(MAX_QUOTED_INPUT_CHARACTERS + 80);
  });

  it("refuses a first line over the limit as a missing header instead of reading on", async () => {
    async function* noNewline(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < 4096; i++) yield Buffer.alloc(BLOCK, "a"); // 256 MiB, never all held
    }
    await expect(readLineChunks({ stream: noNewline(), location: "memory" })).rejects.toThrow(
      /memory has a first line longer than the limit of 65,536 bytes/,
    );
  });
});
