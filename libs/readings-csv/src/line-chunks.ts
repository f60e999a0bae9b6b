import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { isAbortError, type OperationOptions } from "@fleetscore/contracts";
import { ReadingsCsvError } from "./readings-csv-error.js";
import { CsvByte } from "./csv-bytes.js";
import { MAX_LINE_BYTES } from "./line-limit.js";
import { CsvHeaderError, columnsOfHeader, splitHeaderLine } from "./readings-csv-parser.js";

/** A run of whole lines of the data file, in its own ArrayBuffer so it can be transferred to a worker. */
export interface LineChunk {
  /** 0, 1, 2, ... in file order. */
  readonly seq: number;
  readonly bytes: Uint8Array;
  /**
   * Bytes of the data (after the header) this chunk stands for: `bytes.length` plus what was left out of
   * lines over `MAX_LINE_BYTES` (only their first `MAX_LINE_BYTES + 2` bytes are kept (a CR trimmed still leaves them over the limit), so the parser counts
   * them malformed). Add these up to know where the next chunk starts (`startAtDataByte`).
   */
  readonly dataBytes: number;
  /** Bytes of the file (compressed, for gzip) read when this chunk was cut: progress once it is scored. */
  readonly fileBytesRead: number;
}

export interface LineChunksHeader {
  /** Column indexes of TS, Device, Sensor, Value. */
  readonly columns: Int32Array;
  /** Lines up to and including the header (blank lines before it count). */
  readonly lines: number;
  /** Bytes up to and including the header line (of the uncompressed data): where data byte 0 is. */
  readonly dataStart: number;
  /** Whether the file is gzip (a LineSource never is). */
  readonly gzipped: boolean;
}

export interface ReadLineChunksOptions extends OperationOptions {
  /**
   * Target chunk size. Default 2 MiB. Each model's rows in a chunk are scored in one call, so bigger
   * chunks mean fewer calls, but every worker holds a chunk and its output: on synthetic-2k, 1 MiB took
   * 4.2-5.1 s, 2 MiB 4.0-4.4 s at 525 MB peak, 8 MiB 3.8-4.3 s at 620 MB (BENCHMARKS.md).
   */
  readonly chunkSizeInBytes?: number;
  /** Called once with the file's size (compressed, for gzip), for progress. */
  readonly onFileSize?: (totalBytes: number) => void;
  /**
   * Start the chunks this many bytes into the data after the header (a line boundary, e.g. where an earlier
   * reader stopped). A plain file seeks there; gzip and streams read up to it. Default 0.
   */
  readonly startAtDataByte?: number;
}

const { lf: LF } = CsvByte;
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * Readings CSV text from elsewhere than a local file (e.g. rows of a SQL table written as CSV): the
 * stream must start with the header line.
 */
export interface LineSource {
  readonly stream: AsyncIterable<Uint8Array>;
  /** Where the data comes from, for messages (e.g. a database URL and range). */
  readonly location: string;
  /** Total size, for progress, if known. */
  readonly size?: number;
}

/**
 * Streams a readings CSV (a file, plain or gzip detected from its first bytes, or a {@link LineSource}),
 * reads its header, and yields the rest as chunks of whole lines. Nothing but the current chunk is
 * held in memory.
 * @throws ReadingsCsvError `InputNotFound` (missing, folder, unreadable) or `InvalidInput` (no
 *   header, missing columns, invalid or truncated gzip), naming the file; the signal's `AbortError`.
 */
export async function readLineChunks(
  input: string | LineSource,
  options: ReadLineChunksOptions = {},
): Promise<{ readonly header: LineChunksHeader; readonly chunks: AsyncIterable<LineChunk> }> {
  const { abortSignal } = options;
  abortSignal?.throwIfAborted();
  const chunkSize = options.chunkSizeInBytes ?? 2 << 20;
  const path = typeof input === "string" ? input : input.location;
  let stream: Readable;
  let file: Readable | undefined;
  let gunzip: ReturnType<typeof createGunzip> | undefined;
  let size: number;
  let gzipped = false;
  if (typeof input === "string") {
    const inspected = await inspect(input);
    gzipped = inspected.gzipped;
    size = inspected.size;
    file = createReadStream(input, { highWaterMark: chunkSize, ...(abortSignal && { signal: abortSignal }) });
    stream = file;
    if (inspected.gzipped) {
      const unzip = createGunzip({ chunkSize });
      file.on("error", (e) => unzip.destroy(e));
      stream = file.pipe(unzip);
      gunzip = unzip;
    }
  } else {
    size = input.size ?? 0;
    stream = Readable.from(input.stream, { objectMode: false, ...(abortSignal && { signal: abortSignal }) });
  }
  // Position in the file of the data handed out so far. The read stream runs ahead of the parser, so
  // for gzip it is what gunzip has consumed (bytesWritten), for plain text the bytes handed out.
  let plainOffset = 0;
  const position = (): number => (gunzip ? gunzip.bytesWritten : plainOffset);
  options.onFileSize?.(size);
  let source = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const fail = (e: unknown): never => {
    stream.destroy();
    file?.destroy();
    throw toInputError(e, path);
  };

  // Header: the first non-blank line.
  let carry: Buffer = Buffer.alloc(0);
  let lines = 0;
  /** Bytes taken from the stream so far (uncompressed). */
  let taken = 0;
  let header: LineChunksHeader | undefined;
  try {
    while (!header) {
      const next = await source.next();
      if (next.done) {
        if (carry.length > 0 && carry.toString("latin1").trim() !== "") {
          header = { columns: columnsOfHeader(splitHeaderLine(carry, 0, trimCr(carry, carry.length))), lines: lines + 1, dataStart: taken, gzipped };
          carry = Buffer.alloc(0);
          break;
        }
        throw new CsvHeaderError(`is empty: expected a header TS,Device,Sensor,Value`);
      }
      taken += next.value.length;
      carry = carry.length > 0 ? Buffer.concat([carry, next.value]) : next.value;
      let start = 0;
      for (let nl = carry.indexOf(LF); nl >= 0 && !header; nl = carry.indexOf(LF, start)) {
        lines++;
        const line = carry.subarray(start, trimCr(carry, nl));
        start = nl + 1;
        const text = line.toString("latin1").replace(/^\uFEFF|^\xEF\xBB\xBF/, "");
        if (text.trim() === "") continue;
        header = { columns: columnsOfHeader(splitHeaderLine(Buffer.from(text, "latin1"), 0, text.length)), lines, dataStart: taken - carry.length + start, gzipped };
      }
      carry = carry.subarray(start);
      if (!header && carry.length > MAX_LINE_BYTES) {
        throw new CsvHeaderError(`has a first line longer than the limit of ${MAX_LINE_BYTES.toLocaleString("en-US")} bytes: expected a header TS,Device,Sensor,Value`);
      }
    }
    const startAt = options.startAtDataByte ?? 0;
    if (startAt > 0 && file && !gunzip && typeof input === "string") {
      // A plain file: seek past what the caller has already read.
      stream.destroy();
      file = createReadStream(input, { start: header!.dataStart + startAt, highWaterMark: chunkSize, ...(abortSignal && { signal: abortSignal }) });
      stream = file;
      source = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
      carry = Buffer.alloc(0);
      plainOffset = header!.dataStart + startAt;
      if (header!.dataStart + startAt > size) throw new StartBeyondDataError(startAt, size - header!.dataStart);
    } else if (startAt > 0) {
      // Gzip or a stream: read up to it.
      let skip = startAt;
      while (skip > carry.length) {
        skip -= carry.length;
        const next = await source.next();
        if (next.done) throw new StartBeyondDataError(startAt, startAt - skip);
        carry = next.value;
      }
      carry = carry.subarray(skip);
    }
  } catch (e) {
    fail(e);
  }

  async function* chunks(): AsyncIterable<LineChunk> {
    let seq = 0;
    let pending: Buffer = carry;
    /** Bytes left out of the over-long lines in `pending`: counted in the dataBytes of the chunk that takes them. */
    let dropped = 0;
    /** Dropping the rest of an over-long line, up to its newline. */
    let skipping = false;
    const cut = (data: Buffer, end: number, fileBytesRead: number): LineChunk => {
      const chunk = { seq: seq++, bytes: ownCopy(data, 0, end), dataBytes: end + dropped, fileBytesRead };
      dropped = 0;
      return chunk;
    };
    try {
      for (;;) {
        const next = await source.next();
        if (next.done) break;
        let block: Buffer = next.value;
        if (skipping) {
          const lf = block.indexOf(LF);
          dropped += lf < 0 ? block.length : lf;
          plainOffset += lf < 0 ? block.length : lf;
          if (lf < 0) continue;
          block = block.subarray(lf);
          skipping = false;
        }
        const data = pending.length > 0 ? Buffer.concat([pending, block]) : block;
        const lastLf = data.lastIndexOf(LF);
        if (data.length - (lastLf + 1) > MAX_LINE_BYTES + 2) {
          // An over-long last line: hand out the lines before it, keep enough of it to be seen as too long.
          if (lastLf >= 0) {
            plainOffset += lastLf + 1;
            yield cut(data, lastLf + 1, position());
          }
          const kept = lastLf + 1 + MAX_LINE_BYTES + 2;
          dropped += data.length - kept;
          plainOffset += data.length - kept;
          pending = ownCopy(data, lastLf + 1, kept);
          skipping = true;
          continue;
        }
        if (lastLf < 0) {
          pending = Buffer.from(data);
          continue;
        }
        if (lastLf + 1 >= chunkSize / 2 || pending.length === 0) {
          plainOffset += lastLf + 1;
          yield cut(data, lastLf + 1, position());
          pending = ownCopy(data, lastLf + 1, data.length);
        } else {
          pending = Buffer.from(data);
        }
      }
      if (pending.length > 0) yield cut(pending, pending.length, size);
    } catch (e) {
      fail(e);
    }
  }
  return { header: header!, chunks: chunks() };
}

/** `startAtDataByte` is past the end of the data (the file was replaced or truncated since that position). */
class StartBeyondDataError extends Error {
  constructor(startAt: number, available: number) {
    super(`has ${available} data bytes after its header, fewer than the ${startAt} to start at: was it replaced or truncated?`);
  }
}

/** A copy in a fresh ArrayBuffer (never Buffer's shared pool, which must not be transferred). */
function ownCopy(buf: Buffer, start: number, end: number): Buffer {
  const out = Buffer.from(new ArrayBuffer(end - start));
  buf.copy(out, 0, start, end);
  return out;
}

function trimCr(buf: Buffer, end: number): number {
  return end > 0 && buf[end - 1] === 0x0d ? end - 1 : end;
}

async function inspect(path: string): Promise<{ gzipped: boolean; size: number }> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (e) {
    throw toInputError(e, path);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new ReadingsCsvError(`Data file ${path} is a folder, expected a CSV file`, "InputNotFound");
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return { gzipped: bytesRead === 2 && buffer[0] === GZIP_MAGIC[0] && buffer[1] === GZIP_MAGIC[1], size: stat.size };
  } catch (e) {
    throw toInputError(e, path);
  } finally {
    await handle.close();
  }
}

/** Maps I/O, gzip and header failures to a ReadingsCsvError naming the file. */
function toInputError(e: unknown, path: string): Error {
  if (e instanceof ReadingsCsvError || isAbortError(e)) return e as Error;
  if (e instanceof CsvHeaderError || e instanceof StartBeyondDataError) return new ReadingsCsvError(`Data file ${path} ${e.message}`, "InvalidInput", { cause: e });
  const err = e as NodeJS.ErrnoException;
  if (err.code === "ENOENT") return new ReadingsCsvError(`Data file ${path} does not exist`, "InputNotFound", { cause: e });
  if (err.code === "EISDIR") return new ReadingsCsvError(`Data file ${path} is a folder, expected a CSV file`, "InputNotFound", { cause: e });
  if (err.code === "EACCES") return new ReadingsCsvError(`Data file ${path} cannot be read (permission denied)`, "InputNotFound", { cause: e });
  // zlib's errors carry a Z_ code: Z_BUF_ERROR for a truncated stream, Z_DATA_ERROR for a bad header or data.
  if (err.code?.startsWith("Z_")) {
    return new ReadingsCsvError(`Data file ${path} is not valid gzip or is truncated: ${err.message}`, "InvalidInput", { cause: e });
  }
  return new ReadingsCsvError(`Cannot read data file ${path}: ${err.message}`, "InvalidInput", { cause: e });
}
