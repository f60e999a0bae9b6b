export { CsvByte } from "./csv-bytes.js";
export { ReadingsCsvParser, CsvHeaderError, columnsOfHeader, splitHeaderLine, latin1 } from "./readings-csv-parser.js";
export type { RowSink, FieldOffsets } from "./readings-csv-parser.js";
export { readLineChunks } from "./line-chunks.js";
export type { LineChunk, LineChunksHeader, LineSource, ReadLineChunksOptions } from "./line-chunks.js";
export { parseDecimal } from "./fast-decimal.js";
export { ReadingsCsvError, isReadingsCsvError } from "./readings-csv-error.js";
export type { ReadingsCsvErrorCode } from "./readings-csv-error.js";
export { MAX_LINE_BYTES } from "./line-limit.js";
