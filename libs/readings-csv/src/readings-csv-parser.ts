import { FleetscoreError, READING_CSV_COLUMNS, quoteInput } from "@fleetscore/contracts";
import { CsvByte } from "./csv-bytes.js";
import { parseDecimal } from "./fast-decimal.js";
import { LINE_TOO_LONG_MESSAGE, MAX_LINE_BYTES } from "./line-limit.js";

/**
 * Byte offsets of the fields of one row within the chunk passed to {@link RowSink.row}, as
 * `[tsStart, tsEnd, deviceStart, deviceEnd, sensorStart, sensorEnd, valueStart, valueEnd]`.
 * The array is reused from row to row: copy what you keep.
 */
export type FieldOffsets = Int32Array;

export interface RowSink {
  /** A valid row: fields validated as `ReadingCsvRecord` in contracts would, value parsed. */
  row(buf: Uint8Array, fields: FieldOffsets, value: number, line: number): void;
  /** A row that is not a valid reading; `message` names the column and the value. */
  malformed(line: number, message: string): void;
}

/** A header without the reading columns (or no header at all); the message says what is missing. */
export class CsvHeaderError extends FleetscoreError<"InvalidHeader"> {
  constructor(message: string) {
    super(message, "InvalidHeader");
  }
}

const { comma: COMMA, lf: LF, cr: CR, quote: QUOTE } = CsvByte;
/** Comma positions kept per line; columns beyond this index cannot be TS, Device, Sensor or Value. */
const MAX_FIELDS = 64;

/**
 * Streaming parser for readings CSV (`TS,Device,Sensor,Value`, columns in any order, extra columns
 * ignored). Feed it chunks with {@link push} and call {@link end} once; it calls the sink per row.
 *
 * Why hand-written rather than csv-parse (which the scorer used first): csv-parse with per-row zod
 * validation reads 2 M rows in several seconds, over the scorer's whole time budget (figures in
 * BENCHMARKS.md). This parser works on bytes, allocates nothing per valid row, and applies exactly the
 * rules of `ReadingCsvRecord` (a test checks both agree row by row). Quoted fields are accepted when a
 * line contains a quote (RFC 4180, no line breaks inside quotes).
 */
export class ReadingsCsvParser {
  readonly #sink: RowSink;
  readonly #fields = new Int32Array(8);
  readonly #commas = new Int32Array(MAX_FIELDS);
  /** Column index of TS, Device, Sensor, Value once the header is read. */
  #columns: Int32Array | undefined;
  #columnCount = 0;
  #carry: Buffer | undefined;
  #line = 0;
  #sawBom = false;
  /** Skipping the rest of an over-long line (its start is in #carry). */
  #skipping = false;

  /**
   * @param options.columns Column indexes of TS, Device, Sensor, Value when the header was already read
   *   elsewhere (the scorer cuts a file into chunks and parses them in workers): every line is then data.
   */
  constructor(sink: RowSink, options: { readonly columns?: Int32Array } = {}) {
    this.#sink = sink;
    if (options.columns) {
      this.#columns = options.columns;
      this.#columnCount = Math.max(...options.columns) + 1;
      this.#sawBom = true;
    }
  }

  /** Lines seen so far (header, blank and data lines). */
  get lines(): number {
    return this.#line;
  }

  /** Column indexes of TS, Device, Sensor, Value, once the header is read. */
  get columns(): Int32Array | undefined {
    return this.#columns;
  }

  /** Data rows seen so far (valid and malformed; not the header, not blank lines). */
  rows = 0;

  push(chunk: Uint8Array): void {
    let buf = asBuffer(chunk);
    if (this.#skipping) {
      const lf = buf.indexOf(LF);
      if (lf < 0) return;
      buf = buf.subarray(lf);
      this.#skipping = false;
    }
    if (this.#carry) {
      buf = concat(this.#carry, buf);
      this.#carry = undefined;
    }
    let start = 0;
    if (!this.#sawBom) {
      if (buf.length < 3 && this.#line === 0) {
        this.#carry = buf;
        return;
      }
      this.#sawBom = true;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
    }
    // One pass over the bytes finds both commas and line ends: cheaper than an indexOf call per field.
    const commas = this.#commas;
    let lineStart = start;
    let nCommas = 0;
    for (let i = start, len = buf.length; i < len; i++) {
      const c = buf[i];
      if (c === COMMA) {
        if (nCommas < MAX_FIELDS) commas[nCommas] = i;
        nCommas++;
      } else if (c === LF) {
        this.#line++;
        this.#handleLine(buf, lineStart, i > lineStart && buf[i - 1] === CR ? i - 1 : i, nCommas);
        lineStart = i + 1;
        nCommas = 0;
      }
    }
    // A copy, not a view: the chunk it came from may be reused by the stream. An unfinished line over the
    // limit keeps only enough bytes to be reported too long; the rest, up to its newline, is skipped.
    if (lineStart < buf.length) {
      this.#skipping = buf.length - lineStart > MAX_LINE_BYTES + 2;
      this.#carry = Buffer.from(buf.subarray(lineStart, this.#skipping ? lineStart + MAX_LINE_BYTES + 2 : buf.length));
    }
  }

  /** Handles a last line without a newline. @throws CsvHeaderError when there was no header at all. */
  end(): void {
    if (this.#carry && this.#carry.length > 0) {
      const buf = this.#carry;
      this.#carry = undefined;
      let start = 0;
      if (!this.#sawBom && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
      this.#sawBom = true;
      this.#line++;
      const end = buf.length > start && buf[buf.length - 1] === CR ? buf.length - 1 : buf.length;
      let nCommas = 0;
      for (let i = start; i < end; i++) if (buf[i] === COMMA) this.#commas[Math.min(nCommas++, MAX_FIELDS - 1)] = i;
      this.#handleLine(buf, start, end, nCommas);
    }
    if (!this.#columns) throw new CsvHeaderError(`is empty: expected a header ${READING_CSV_COLUMNS.join(",")}`);
  }

  #handleLine(buf: Uint8Array, start: number, end: number, nCommas: number): void {
    if (nCommas === 0 && isBlank(buf, start, end)) return;
    if (end - start > MAX_LINE_BYTES && this.#columns) {
      this.rows++;
      this.#sink.malformed(this.#line, LINE_TOO_LONG_MESSAGE);
      return;
    }
    if (!this.#columns) {
      this.#readHeader(splitLine(buf, start, end).map((f) => f.trim()));
      return;
    }
    this.rows++;
    const cols = this.#columns;
    const f = this.#fields;
    const commas = this.#commas;
    const col = nCommas + 1; // fields on the line
    for (let k = 0; k < 4; k++) {
      const c = cols[k]!; // < MAX_FIELDS, checked with the header
      if (c < col) {
        f[2 * k] = c === 0 ? start : commas[c - 1]! + 1;
        f[2 * k + 1] = c < nCommas ? commas[c]! : end;
      }
    }
    if (col < this.#columnCount) {
      if (hasQuote(buf, start, end)) return this.#handleQuotedLine(buf, start, end);
      const missing = READING_CSV_COLUMNS.find((_, k) => cols[k]! >= col)!;
      this.#sink.malformed(this.#line, `${missing}: missing`);
      return;
    }
    trimFields(buf, f);
    // Quotes are rare: a quoted row fails the plain checks first and is then parsed as RFC 4180.
    if (!this.#validateAndEmit(buf, f, false)) {
      if (hasQuote(buf, start, end)) this.#handleQuotedLine(buf, start, end);
      else this.#validateAndEmit(buf, f, true);
    }
  }

  /**
   * A row with quotes: its fields are located in `buf` itself (between the quotes), so the sink gets offsets
   * into the chunk it was handed, like every other row. A field with an escaped quote (`""`) keeps it in its
   * range; no TS, id or value may contain a quote, so such a field is reported malformed either way.
   */
  #handleQuotedLine(buf: Uint8Array, start: number, end: number): void {
    let ranges: number[];
    try {
      ranges = quotedFieldRanges(buf, start, end);
    } catch (e) {
      this.#sink.malformed(this.#line, (e as Error).message);
      return;
    }
    const cols = this.#columns!;
    const f = this.#fields;
    for (let k = 0; k < 4; k++) {
      const c = cols[k]!;
      if (2 * c >= ranges.length) {
        this.#sink.malformed(this.#line, `${READING_CSV_COLUMNS[k]}: missing`);
        return;
      }
      f[2 * k] = ranges[2 * c]!;
      f[2 * k + 1] = ranges[2 * c + 1]!;
    }
    trimFields(buf, f);
    this.#validateAndEmit(buf, f, true);
  }

  /**
   * Emits the row, or reports it malformed when `report` (or returns false so the caller can try the
   * quoted form first).
   */
  #validateAndEmit(buf: Uint8Array, f: FieldOffsets, report: boolean): boolean {
    const value = parseDecimal(buf, f[6]!, f[7]!);
    if (validTimestamp(buf, f[0]!, f[1]!) && validId(buf, f[2]!, f[3]!) && validId(buf, f[4]!, f[5]!) && Number.isFinite(value)) {
      this.#sink.row(buf, f, value, this.#line);
      return true;
    }
    if (!report) return false;
    this.#sink.malformed(this.#line, describeProblem(buf, f, value));
    return true;
  }

  #readHeader(names: string[]): void {
    this.#columns = columnsOfHeader(names);
    this.#columnCount = Math.max(...this.#columns) + 1;
  }
}

function concat(a: Buffer, b: Buffer): Buffer {
  return Buffer.concat([a, b], a.length + b.length);
}

/** Always a Buffer: one element kind keeps the byte loops monomorphic (measurably faster in V8). */
function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Column indexes of TS, Device, Sensor and Value in a header (case-insensitive, any order).
 * @throws CsvHeaderError naming the missing columns.
 */
export function columnsOfHeader(names: readonly string[]): Int32Array {
  const lower = names.map((n) => n.trim().toLowerCase());
  const missing = READING_CSV_COLUMNS.filter((c) => !lower.includes(c.toLowerCase()));
  if (missing.length > 0) {
    throw new CsvHeaderError(
      `has header ${quoteInput(names.join(","))}; missing column(s) ${missing.join(", ")} (expected ${READING_CSV_COLUMNS.join(",")})`,
    );
  }
  const columns = Int32Array.from(READING_CSV_COLUMNS, (c) => lower.indexOf(c.toLowerCase()));
  if (Math.max(...columns) >= MAX_FIELDS) {
    throw new CsvHeaderError(`has ${READING_CSV_COLUMNS.join(", ")} beyond column ${MAX_FIELDS}; move them to the front`);
  }
  return columns;
}

/** Splits a header line (quotes allowed) into names. */
export function splitHeaderLine(buf: Uint8Array, start: number, end: number): string[] {
  // Names are printed in messages: UTF-8, as the file is (fields are split as latin1, one char per byte).
  return splitLine(buf, start, end).map((f) => Buffer.from(f, "latin1").toString("utf8").trim());
}

function hasQuote(buf: Uint8Array, start: number, end: number): boolean {
  const q = buf.indexOf(QUOTE, start);
  return q >= 0 && q < end;
}

/** The first invalid field of a row, named with its value as contracts' `ReadingCsvRecord` would. */
function describeProblem(buf: Uint8Array, f: FieldOffsets, value: number): string {
  // Quoted for people: decoded as UTF-8 (the rows are parsed byte by byte, but "Gerät" is two bytes for ä).
  const text = (k: number): string => utf8(buf, f[2 * k]!, f[2 * k + 1]!);
  if (!validTimestamp(buf, f[0]!, f[1]!)) {
    return f[1] === f[0] ? "TS: missing" : `TS ${quoteInput(text(0))}: must be a UTC timestamp YYYY-MM-DD HH:MM:SS[.fff] or ISO-8601`;
  }
  for (const [k, column] of [[1, "Device"], [2, "Sensor"]] as const) {
    if (!validId(buf, f[2 * k]!, f[2 * k + 1]!)) {
      return f[2 * k + 1] === f[2 * k] ? `${column}: missing` : `${column} ${quoteInput(text(k))}: must be 1-64 of A-Z a-z 0-9 . - (starting with a letter or digit; no _)`;
    }
  }
  if (f[7] === f[6]) return "Value: missing";
  return `Value ${quoteInput(text(3))}: ${Number.isNaN(value) ? "must be a decimal number" : "must be a finite number"}`;
}

function isBlank(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 0x20 && buf[i] !== 0x09) return false;
  return true;
}

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09;
}

function trimFields(buf: Uint8Array, f: FieldOffsets): void {
  for (let k = 0; k < 8; k += 2) {
    while (f[k]! < f[k + 1]! && isSpace(buf[f[k]!])) f[k]!++;
    while (f[k + 1]! > f[k]! && isSpace(buf[f[k + 1]! - 1])) f[k + 1]!--;
  }
}

function utf8(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString("utf8");
}

export function latin1(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString("latin1");
}

function splitLine(buf: Uint8Array, start: number, end: number): string[] {
  return latin1(buf, start, end).includes('"') ? splitQuoted(buf, start, end) : latin1(buf, start, end).split(",");
}

/** RFC 4180 fields of one line (`""` is an escaped quote). @throws Error on an unbalanced quote. */
function splitQuoted(buf: Uint8Array, start: number, end: number): string[] {
  const ranges = quotedFieldRanges(buf, start, end);
  const fields: string[] = [];
  for (let k = 0; k < ranges.length; k += 2) fields.push(latin1(buf, ranges[k]!, ranges[k + 1]!).replaceAll('""', '"'));
  return fields;
}

/**
 * Where each RFC 4180 field of a line is in `buf`, as `[start0, end0, start1, end1, ...]`: the content of a
 * quoted field without its quotes (an escaped quote `""` stays in it as two bytes), spaces around the
 * quotes left out. @throws Error on an unbalanced quote or text after a closing quote.
 */
function quotedFieldRanges(buf: Uint8Array, start: number, end: number): number[] {
  const ranges: number[] = [];
  let i = start;
  for (;;) {
    while (i < end && isSpace(buf[i])) i++;
    if (i < end && buf[i] === QUOTE) {
      const fieldStart = ++i;
      for (;;) {
        const q = buf.indexOf(QUOTE, i);
        if (q < 0 || q >= end) throw new Error("row: unbalanced quote");
        if (q + 1 < end && buf[q + 1] === QUOTE) {
          i = q + 2;
          continue;
        }
        ranges.push(fieldStart, q);
        i = q + 1;
        break;
      }
      while (i < end && isSpace(buf[i])) i++;
      if (i < end && buf[i] !== COMMA) throw new Error("row: text after a closing quote");
    } else {
      const c = buf.indexOf(COMMA, i);
      const fieldEnd = c < 0 || c >= end ? end : c;
      ranges.push(i, fieldEnd);
      i = fieldEnd;
    }
    if (i >= end) return ranges;
    i++; // the comma
  }
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
const num2 = (buf: Uint8Array, i: number): number => (buf[i]! - 0x30) * 10 + (buf[i + 1]! - 0x30);

/** `YYYY-MM-DD[ T]HH:MM:SS[.f{1,9}][Z]` with a real date: the rule of contracts' `parseReadingTimestamp`. */
function validTimestamp(buf: Uint8Array, start: number, end: number): boolean {
  const b = start;
  const ok =
    end - start >= 19 &&
    isDigit(buf[b]) && isDigit(buf[b + 1]) && isDigit(buf[b + 2]) && isDigit(buf[b + 3]) && buf[b + 4] === 0x2d &&
    isDigit(buf[b + 5]) && isDigit(buf[b + 6]) && buf[b + 7] === 0x2d && isDigit(buf[b + 8]) && isDigit(buf[b + 9]) &&
    (buf[b + 10] === 0x20 || buf[b + 10] === 0x54) &&
    isDigit(buf[b + 11]) && isDigit(buf[b + 12]) && buf[b + 13] === 0x3a && isDigit(buf[b + 14]) && isDigit(buf[b + 15]) &&
    buf[b + 16] === 0x3a && isDigit(buf[b + 17]) && isDigit(buf[b + 18]);
  if (!ok) return false;
  let i = b + 19;
  if (i < end && buf[i] === 0x2e) {
    i++;
    const fracStart = i;
    while (i < end && isDigit(buf[i])) i++;
    if (i - fracStart < 1 || i - fracStart > 9) return false;
  }
  if (i < end && buf[i] === 0x5a) i++;
  if (i !== end) return false;
  const year = num2(buf, b) * 100 + num2(buf, b + 2);
  const month = num2(buf, b + 5);
  const day = num2(buf, b + 8);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && num2(buf, b + 11) <= 23 && num2(buf, b + 14) <= 59 && num2(buf, b + 17) <= 59;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** `[A-Za-z0-9][A-Za-z0-9.-]{0,63}`: contracts' `DeviceId` / `SensorId`. */
function validId(buf: Uint8Array, start: number, end: number): boolean {
  const len = end - start;
  if (len < 1 || len > 64) return false;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!alnum && !(i > start && (c === 0x2e || c === 0x2d))) return false;
  }
  return true;
}
