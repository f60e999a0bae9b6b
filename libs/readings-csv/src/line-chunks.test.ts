import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readLineChunks } from "./line-chunks.js";

const HEADER = "\nTS,Device,Sensor,Value\n";
const DATA = Array.from({ length: 500 }, (_, i) => `2024-01-01 00:00:${String(i % 60).padStart(2, "0")}.000,${i},1,${i}.5\n`).join("");

async function collect(chunks: AsyncIterable<{ bytes: Uint8Array }>): Promise<string> {
  let text = "";
  for await (const c of chunks) text += Buffer.from(c.bytes).toString("latin1");
  return text;
}

describe("readLineChunks startAtDataByte", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fleetscore-line-chunks-"));
  const plain = join(dir, "data.csv");
  const gz = join(dir, "data.csv.gz");
  await writeFile(plain, HEADER + DATA);
  await writeFile(gz, gzipSync(HEADER + DATA));
  // A line boundary in the middle of the data.
  const at = DATA.indexOf("\n", 9_000) + 1;

  it.each([
    ["a plain file (seek)", plain],
    ["a gzip file (read up to it)", gz],
  ])("starts %s exactly there, and reports where the data starts", async (_, path) => {
    const { header, chunks } = await readLineChunks(path, { startAtDataByte: at, chunkSizeInBytes: 1024 });
    expect(header.dataStart).toBe(HEADER.length);
    expect(header.gzipped).toBe(path === gz);
    expect(header.lines).toBe(2);
    expect(await collect(chunks)).toBe(DATA.slice(at));
  });

  it("reads the same from a stream source", async () => {
    async function* text(): AsyncIterable<Uint8Array> {
      yield Buffer.from(HEADER + DATA.slice(0, 5_000));
      yield Buffer.from(DATA.slice(5_000));
    }
    const { chunks } = await readLineChunks({ stream: text(), location: "memory" }, { startAtDataByte: at });
    expect(await collect(chunks)).toBe(DATA.slice(at));
  });

  it.each([plain, gz])("names the file when the start is past the end of its data (%s)", async (path) => {
    await expect(
      (async () => {
        const { chunks } = await readLineChunks(path, { startAtDataByte: DATA.length + 10 });
        await collect(chunks);
      })(),
    ).rejects.toThrow(/data\.csv(\.gz)? has \d+ data bytes after its header, fewer than the \d+ to start at/);
  });
});
