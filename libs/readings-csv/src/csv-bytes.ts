/**
 * The bytes readings CSV and prediction lines are made of, in one place so that the parsers and the
 * writers that work on bytes agree. Hot loops copy them into module constants (`const { comma } = CsvByte`).
 */
export const CsvByte = Object.freeze({ comma: 0x2c, lf: 0x0a, cr: 0x0d, quote: 0x22, dot: 0x2e, minus: 0x2d, plus: 0x2b, zero: 0x30, one: 0x31 });
