import { CsvByte } from "./csv-bytes.js";

const { minus: MINUS, plus: PLUS, dot: DOT, zero: ZERO } = CsvByte;
/** Exact powers of ten: every 10^k with k <= 22 is representable in float64. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Parses a decimal number (`[+-]digits[.digits][e[+-]digits]`) from bytes `buf[start, end)`, the same
 * grammar as `ReadingCsvRecord.Value` in contracts. Returns NaN when the text is not such a number.
 *
 * Why not `Number(text)`: decoding a string per row is the main cost of reading 2 M rows. The fast path
 * is exact: when the digits form an integer m < 2^53 and the decimal exponent k has |k| <= 22, m and 10^k
 * are exact doubles, and one IEEE division or multiplication is correctly rounded, which is what
 * `Number()` returns. Anything else falls back to `Number()` on the text.
 */
export function parseDecimal(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && (buf[i] === MINUS || buf[i] === PLUS)) {
    negative = buf[i] === MINUS;
    i++;
  }
  // The digits before and after one optional point, in one loop: either side may be empty, not both.
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = 0;
  let afterPoint = false;
  for (; i < end; i++) {
    const b = buf[i]!;
    if (b === DOT && !afterPoint) {
      afterPoint = true;
      continue;
    }
    const c = b - ZERO;
    if (c < 0 || c > 9) break;
    mantissa = mantissa * 10 + c;
    digits++;
    if (afterPoint) fractionDigits++;
  }
  if (digits === 0) return Number.NaN;
  let exponent = 0;
  if (i < end && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    let expNegative = false;
    if (i < end && (buf[i] === MINUS || buf[i] === PLUS)) {
      expNegative = buf[i] === MINUS;
      i++;
    }
    const expStart = i;
    while (i < end) {
      const c = buf[i]! - ZERO;
      if (c < 0 || c > 9) break;
      if (exponent < 100_000) exponent = exponent * 10 + c;
      i++;
    }
    if (i === expStart) return Number.NaN;
    if (expNegative) exponent = -exponent;
  }
  if (i !== end) return Number.NaN;
  const k = exponent - fractionDigits;
  if (mantissa <= Number.MAX_SAFE_INTEGER && k >= -22 && k <= 22) {
    const v = k < 0 ? mantissa / POW10[-k]! : mantissa * POW10[k]!;
    return negative ? -v : v;
  }
  let text = "";
  for (let j = start; j < end; j++) text += String.fromCharCode(buf[j]!);
  return Number(text);
}
