/**
 * The longest data line read, in bytes (without its line break): 64 KiB, hundreds of times a reading's
 * ~40 bytes. A longer line is counted malformed with its line number; only its first `MAX_LINE_BYTES + 1`
 * bytes are ever held in memory (a 300 MB line without a newline is skipped at the speed of reading it).
 */
export const MAX_LINE_BYTES = 64 * 1024;

/** The malformed-row message of a line over {@link MAX_LINE_BYTES}. */
export const LINE_TOO_LONG_MESSAGE = `line: longer than the limit of ${MAX_LINE_BYTES.toLocaleString("en-US")} bytes`;
