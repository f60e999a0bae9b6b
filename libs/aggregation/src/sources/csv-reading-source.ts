import { stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { parseReadingTimestamp } from "@fleetscore/contracts";
import { ReadingsCsvParser, latin1, readLineChunks } from "@fleetscore/readings-csv";
import { AggregationError } from "../pipeline/aggregation-error.js";
import type { TimedReading } from "@fleetscore/stream-windowing";
import type { MalformedReading, ReadReadingsOptions, ReadingBatch, ReadingSource } from "./reading-source.js";

const LF = 0x0a;
/** Malformed rows reported per batch; all are counted. */
const MAX_MALFORMED_PER_BATCH = 100;

/** Position in a CSV: data bytes consumed after the header line, and data lines consumed (for messages). */
interface CsvPosition {
  readonly offset: number;
  readonly line: number;
}

/**
 * Replays a readings CSV (`TS,Device,Sensor,Value`, plain or gzip) as the aggregator's source: one batch
 * per chunk of whole lines (about 2 MiB). A CSV has no arrival times, so each reading's arrival time is
 * its event time: the late-arrival policy never applies, the out-of-order policy does.
 *
 * Positions are byte offsets into the data: a plain file resumes by seeking there, a gzip file by reading
 * up to it. `follow` (plain files only) waits for lines appended to the file, as `tail -f`; a last line
 * without its newline is then left for the next poll, in case it is still being written.
 */
export function csvReadingSource(path: string): ReadingSource {
  return {
    location: path,
    finite: true,
    close: async () => undefined,
    read: (from, options) => readCsv(path, from === undefined ? { offset: 0, line: 0 } : parseCsvPosition(from, path), options ?? {}),
  };
}

async function* readCsv(path: string, start: CsvPosition, options: ReadReadingsOptions): AsyncIterable<ReadingBatch> {
  const { abortSignal, follow = false } = options;
  let position = start;
  for (;;) {
    const { header, chunks } = await readLineChunks(path, { startAtDataByte: position.offset, ...(abortSignal && { abortSignal }) });
    if (follow && header.gzipped) throw new AggregationError(`--follow needs a plain CSV; ${path} is gzip`, "InvalidSource");
    for await (const chunk of chunks) {
      let bytes = chunk.bytes;
      // dataBytes, not bytes.length: a line over the length limit is handed out cut short.
      let advance = chunk.dataBytes;
      if (follow && bytes[bytes.length - 1] !== LF) {
        // The last line may still be being written: leave it for the next poll.
        const lastLf = bytes.lastIndexOf(LF);
        if (lastLf < 0) break;
        advance -= bytes.length - (lastLf + 1);
        bytes = bytes.subarray(0, lastLf + 1);
      }
      const batch = parseChunk(bytes, header.columns, path, header.lines, position);
      position = { offset: position.offset + advance, line: position.line + batch.lines };
      yield { readings: batch.readings, malformed: batch.malformed, malformedCount: batch.malformedCount, position: formatCsvPosition(position) };
    }
    if (!follow) return;
    // Wait for the file to grow.
    for (;;) {
      await sleep(options.pollIntervalInMs ?? 500, undefined, abortSignal ? { signal: abortSignal } : {});
      const size = (await stat(path)).size;
      if (size < header.dataStart + position.offset) {
        throw new AggregationError(`${path} shrank below the position already aggregated (${position.offset} data bytes): was it replaced?`, "InvalidSource");
      }
      if (size > header.dataStart + position.offset) break;
    }
  }
}

/** Parses one chunk of whole lines into readings; malformed rows are counted and described. */
function parseChunk(
  bytes: Uint8Array,
  columns: Int32Array,
  path: string,
  headerLines: number,
  at: CsvPosition,
): { readings: TimedReading[]; malformed: MalformedReading[]; malformedCount: number; lines: number } {
  const readings: TimedReading[] = [];
  const malformed: MalformedReading[] = [];
  let malformedCount = 0;
  // Readings come sorted by time, many to a timestamp: parse each distinct timestamp text once.
  let lastTsText = "";
  let lastTsMs = Number.NaN;
  const parser = new ReadingsCsvParser(
    {
      row(buf, f, value) {
        const tsText = latin1(buf, f[0]!, f[1]!);
        if (tsText !== lastTsText) {
          lastTsText = tsText;
          lastTsMs = parseReadingTimestamp(tsText);
        }
        readings.push({
          deviceId: latin1(buf, f[2]!, f[3]!),
          sensorId: latin1(buf, f[4]!, f[5]!),
          eventTimeMs: lastTsMs,
          arrivalTimeMs: lastTsMs,
          value,
        });
      },
      malformed(line, message) {
        if (malformedCount++ < MAX_MALFORMED_PER_BATCH) malformed.push({ where: `${path}:${headerLines + at.line + line}`, message });
      },
    },
    { columns },
  );
  parser.push(bytes);
  parser.end();
  return { readings, malformed, malformedCount, lines: parser.lines };
}

function formatCsvPosition(p: CsvPosition): string {
  return `csv:${p.offset}:${p.line}`;
}

function parseCsvPosition(text: string, path: string): CsvPosition {
  const m = /^csv:(\d+):(\d+)$/.exec(text);
  if (!m) throw new AggregationError(`Checkpoint position "${text}" is not a CSV position (csv:<offset>:<line>) for ${path}`, "InvalidSource");
  return { offset: Number(m[1]), line: Number(m[2]) };
}
