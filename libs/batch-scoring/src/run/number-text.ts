import { CsvByte } from "@fleetscore/readings-csv";

/** The most bytes `String(value)` takes for any double (`-0.0000012345678901234567`: 25). */
export const MAX_NUMBER_TEXT_LENGTH = 25;

const { minus: MINUS, dot: DOT, zero: ZERO } = CsvByte;
/** Below this, two decimals 0.01 apart never round to the same double (the ulp is below 0.01 up to 2^46). */
const TWO_DECIMALS_LIMIT = 2 ** 45;

/**
 * Writes `String(value)` as ASCII into `b` at `start`; @returns the position after it.
 *
 * Sensor readings have at most two decimals, and so have the means of 1 s windows. For those the text is
 * written digit by digit, which costs a fraction of V8's shortest round-trip formatting (the largest cost
 * of writing prediction lines from SQL values, profiled on synthetic-2k). Why it is the same text: if
 * `k / 100 === value` for the integer k nearest to `value * 100`, the decimal k/100 rounds to `value`
 * (division is correctly rounded); below 2^45 no other decimal of at most two places does, and a shorter
 * decimal would be one of those, so k/100 without trailing zeros is the shortest round-trip text, which is
 * what `String` returns (fixed notation from 1e-7 to 1e21). Any other value goes through `String`.
 */
export function writeNumberText(b: Uint8Array, start: number, value: number): number {
  const scaled = Math.round(value * 100);
  if (scaled / 100 !== value || !(Math.abs(scaled) < TWO_DECIMALS_LIMIT)) return writeAscii(b, start, String(value));
  let p = start;
  // -0 is written "0", as String(-0) is.
  if (scaled < 0) b[p++] = MINUS;
  const hundredths = Math.abs(scaled);
  const fraction = hundredths % 100;
  p = writeDigits(b, p, (hundredths - fraction) / 100);
  if (fraction !== 0) {
    b[p++] = DOT;
    b[p++] = ZERO + Math.floor(fraction / 10);
    if (fraction % 10 !== 0) b[p++] = ZERO + (fraction % 10);
  }
  return p;
}

/** The decimal digits of a non-negative integer below 2^53. */
function writeDigits(b: Uint8Array, start: number, n: number): number {
  let digits = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let rest = n;
  for (let i = start + digits - 1; i >= start; i--) {
    b[i] = ZERO + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return start + digits;
}

function writeAscii(b: Uint8Array, start: number, text: string): number {
  let p = start;
  for (let j = 0; j < text.length; j++) b[p++] = text.charCodeAt(j);
  return p;
}
