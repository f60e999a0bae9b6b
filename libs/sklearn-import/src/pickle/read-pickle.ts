import { SklearnImportError, type SklearnImportErrorCode } from "../sklearn-import-error.js";
import {
  describeValue,
  isPickleGlobal,
  isPickleObject,
  isPickleTuple,
  pickleTuple,
  type PickleContext,
  type PickleGlobal,
  type PickleTuple,
  type PickleValue,
} from "./pickle-values.js";

/** Why a global is not allowed; the reader puts it in the error that refuses the file. */
export interface GlobalRefusal {
  readonly kind: "refused";
  readonly code: "ForbiddenGlobal" | "UnsupportedEstimator";
  readonly reason: string;
}

export interface ReadPickleOptions {
  /** The file name used in every error message. */
  readonly file: string;
  /** The allow-list: the global for `module.name`, or why it is refused. Called for every GLOBAL / STACK_GLOBAL. */
  readonly resolveGlobal: (module: string, name: string) => PickleGlobal | GlobalRefusal;
  /** Where to start reading (default 0). */
  readonly start?: number;
}

export interface ReadPickleResult {
  readonly value: PickleValue;
  /** Offset just past the STOP opcode. */
  readonly end: number;
}

/**
 * Reads one pickle (protocols 2-5; the binary opcodes) as data. It never calls code: GLOBAL resolves only
 * through `resolveGlobal`, REDUCE / NEWOBJ / BUILD run only the handlers of allow-listed globals, and the
 * opcodes that need outside state or call arbitrary classes (INST, OBJ, PERSID, BINPERSID, EXT*, NEXT_BUFFER)
 * refuse the file. Every length is checked against the bytes left before anything is sliced or allocated,
 * so memory stays bounded by the input's size.
 * @throws SklearnImportError `ForbiddenGlobal`, `UnsupportedEstimator`, `ForbiddenConstruct`, `CorruptPickle`
 *   or whatever a handler raises, naming the file and the opcode's offset.
 */
export function readPickle(bytes: Uint8Array, options: ReadPickleOptions): ReadPickleResult {
  return new PickleMachine(bytes, options).run();
}

const TEXT_DECODER = new TextDecoder("utf-8", { fatal: true });

class PickleMachine implements PickleContext {
  readonly file: string;
  offset = 0;
  #pos: number;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #resolveGlobal: ReadPickleOptions["resolveGlobal"];
  #stack: PickleValue[] = [];
  readonly #marks: PickleValue[][] = [];
  readonly #memo = new Map<number, PickleValue>();

  constructor(bytes: Uint8Array, options: ReadPickleOptions) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.file = options.file;
    this.#resolveGlobal = options.resolveGlobal;
    this.#pos = options.start ?? 0;
  }

  fail(code: SklearnImportErrorCode, message: string): never {
    throw new SklearnImportError(`${this.file}: ${message} (pickle opcode at byte ${this.offset})`, code, this.file, { offset: this.offset });
  }

  readRaw(length: number): Uint8Array {
    return this.#take(length, "raw data");
  }

  #take(length: number, what: string): Uint8Array {
    const left = this.#bytes.byteLength - this.#pos;
    if (length > left) {
      this.fail("CorruptPickle", `${what} needs ${length} bytes but only ${left} remain: the file is truncated or the length field is corrupt`);
    }
    const out = this.#bytes.subarray(this.#pos, this.#pos + length);
    this.#pos += length;
    return out;
  }
  #u8(): number {
    return this.#take(1, "a 1-byte argument")[0]!;
  }
  #u16(): number {
    this.#take(2, "a 2-byte argument");
    return this.#view.getUint16(this.#pos - 2, true);
  }
  #u32(): number {
    this.#take(4, "a 4-byte argument");
    return this.#view.getUint32(this.#pos - 4, true);
  }
  #i32(): number {
    this.#take(4, "a 4-byte argument");
    return this.#view.getInt32(this.#pos - 4, true);
  }
  /** An 8-byte length; anything beyond 2^53 cannot fit in the file anyway and fails the bounds check. */
  #u64(): number {
    this.#take(8, "an 8-byte length");
    const value = this.#view.getBigUint64(this.#pos - 8, true);
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
  }
  #utf8(length: number, what: string): string {
    const raw = this.#take(length, what);
    try {
      return TEXT_DECODER.decode(raw);
    } catch {
      return this.fail("CorruptPickle", `${what} is not valid UTF-8`);
    }
  }
  /** Python 2 `str`: decoded as latin-1, as Python 3 does with `encoding="latin1"` (numpy's raw bytes survive it). */
  #latin1(length: number): string {
    const raw = this.#take(length, "a byte string");
    let s = "";
    for (let i = 0; i < raw.length; i += 8192) s += String.fromCharCode(...raw.subarray(i, i + 8192));
    return s;
  }

  #push(value: PickleValue): void {
    this.#stack.push(value);
  }
  #pop(what: string): PickleValue {
    if (this.#stack.length === 0) this.fail("CorruptPickle", `${what}: the stack is empty${this.#marks.length ? " above the last MARK" : ""}`);
    return this.#stack.pop()!;
  }
  #top(what: string): PickleValue {
    if (this.#stack.length === 0) this.fail("CorruptPickle", `${what}: the stack is empty`);
    return this.#stack[this.#stack.length - 1]!;
  }
  /** Pops everything above the last MARK, and the MARK. */
  #popMark(what: string): PickleValue[] {
    const items = this.#stack;
    const below = this.#marks.pop();
    if (below === undefined) this.fail("CorruptPickle", `${what} without a preceding MARK`);
    this.#stack = below;
    return items;
  }
  #memoGet(index: number): PickleValue {
    if (!this.#memo.has(index)) this.fail("CorruptPickle", `memo entry ${index} is read before it is written`);
    return this.#memo.get(index)!;
  }
  #memoPut(index: number): void {
    this.#memo.set(index, this.#top("memo put"));
  }
  #global(module: string, name: string): void {
    const resolved = this.#resolveGlobal(module, name);
    if (resolved.kind === "refused") {
      this.fail(resolved.code, `refuses the global ${module}.${name}: ${resolved.reason}; nothing was executed`);
    }
    this.#push(resolved);
  }
  #asTuple(value: PickleValue, what: string): PickleTuple {
    if (!isPickleTuple(value)) this.fail("CorruptPickle", `${what} expects a tuple of arguments but got ${describeValue(value)}`);
    return value;
  }
  #callable(value: PickleValue, what: string): PickleGlobal {
    if (!isPickleGlobal(value)) this.fail("ForbiddenConstruct", `${what} would call ${describeValue(value)}, which is not an allow-listed global`);
    return value;
  }
  #dict(value: PickleValue, what: string): Map<PickleValue, PickleValue> {
    if (!(value instanceof Map)) this.fail("CorruptPickle", `${what} targets ${describeValue(value)}, not a dict`);
    return value;
  }
  #setItem(dict: Map<PickleValue, PickleValue>, key: PickleValue, value: PickleValue): void {
    if (!isHashable(key)) this.fail("CorruptPickle", `a dict key is ${describeValue(key)}, which Python cannot hash`);
    dict.set(key, value);
  }
  #addTo(target: PickleValue, items: PickleValue[], what: string): void {
    if (!(target instanceof Set)) this.fail("CorruptPickle", `${what} targets ${describeValue(target)}, not a set`);
    for (const item of items) {
      if (!isHashable(item)) this.fail("CorruptPickle", `a set item is ${describeValue(item)}, which Python cannot hash`);
      target.add(item);
    }
  }
  #long(length: number): number | bigint {
    const raw = this.#take(length, "a long integer");
    if (length === 0) return 0;
    let value = 0n;
    for (let i = length - 1; i >= 0; i--) value = (value << 8n) | BigInt(raw[i]!);
    if (raw[length - 1]! & 0x80) value -= 1n << BigInt(8 * length);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  /**
   * The opcodes that only push one value (a constant, a number, a string or bytes read from the stream, an
   * empty container, a memo entry, a tuple or list of the values above the mark): one line each here
   * instead of a case each in run().
   */
  static readonly #pushOpcodes = new Map<number, (r: PickleMachine) => PickleValue>([
    [0x47, (r) => r.#float64()], // BINFLOAT
    [0x32, (r) => r.#top("DUP")], // DUP
    [0x68, (r) => r.#memoGet(r.#u8())], // BINGET
    [0x6a, (r) => r.#memoGet(r.#u32())], // LONG_BINGET
    [0x4e, () => null], // NONE
    [0x88, () => true], // NEWTRUE
    [0x89, () => false], // NEWFALSE
    [0x4a, (r) => r.#i32()], // BININT
    [0x4b, (r) => r.#u8()], // BININT1
    [0x4d, (r) => r.#u16()], // BININT2
    [0x8a, (r) => r.#long(r.#u8())], // LONG1
    [0x58, (r) => r.#utf8(r.#u32(), "a string")], // BINUNICODE
    [0x8c, (r) => r.#utf8(r.#u8(), "a string")], // SHORT_BINUNICODE
    [0x8d, (r) => r.#utf8(r.#u64(), "a string")], // BINUNICODE8
    [0x55, (r) => r.#latin1(r.#u8())], // SHORT_BINSTRING
    [0x42, (r) => r.#take(r.#u32(), "BINBYTES")], // BINBYTES
    [0x43, (r) => r.#take(r.#u8(), "SHORT_BINBYTES")], // SHORT_BINBYTES
    [0x8e, (r) => r.#take(r.#u64(), "BINBYTES8")], // BINBYTES8
    [0x96, (r) => r.#take(r.#u64(), "BYTEARRAY8")], // BYTEARRAY8
    [0x29, () => pickleTuple([])], // EMPTY_TUPLE
    [0x74, (r) => pickleTuple(r.#popMark("TUPLE"))], // TUPLE
    [0x85, (r) => pickleTuple([r.#pop("TUPLE1")])], // TUPLE1
    [0x5d, () => []], // EMPTY_LIST
    [0x6c, (r) => r.#popMark("LIST")], // LIST
    [0x7d, () => new Map()], // EMPTY_DICT
    [0x8f, () => new Set()], // EMPTY_SET
  ]);

  /** BINFLOAT's argument: a big-endian IEEE 754 double. */
  #float64(): number {
    this.#take(8, "a float");
    return this.#view.getFloat64(this.#pos - 8, false);
  }

  run(): ReadPickleResult {
    for (;;) {
      this.offset = this.#pos;
      if (this.#pos >= this.#bytes.byteLength) this.fail("CorruptPickle", "the file ends before the pickle's STOP opcode: it is truncated");
      const op = this.#bytes[this.#pos++]!;
      const pushed = PickleMachine.#pushOpcodes.get(op);
      if (pushed) {
        this.#push(pushed(this));
        continue;
      }
      switch (op) {
        case 0x80: {
          const version = this.#u8();
          if (version < 2 || version > 5) this.fail("CorruptPickle", `pickle protocol ${version} is not supported (2 to 5 are)`);
          break;
        }
        case 0x95: {
          const length = this.#u64();
          const left = this.#bytes.byteLength - this.#pos;
          if (length > left) this.fail("CorruptPickle", `FRAME declares ${length} bytes but only ${left} remain: the file is truncated`);
          break; // Frames only group opcodes for buffered reading; the whole pickle is in memory already.
        }
        case 0x2e: // STOP
          if (this.#marks.length !== 0) this.fail("CorruptPickle", "STOP with an unclosed MARK");
          if (this.#stack.length !== 1) this.fail("CorruptPickle", `STOP with ${this.#stack.length} values on the stack; expected exactly one`);
          return { value: this.#stack[0]!, end: this.#pos };
        case 0x28: // MARK
          this.#marks.push(this.#stack);
          this.#stack = [];
          break;
        case 0x30: // POP
          this.#pop("POP");
          break;
        case 0x31: // POP_MARK
          this.#popMark("POP_MARK");
          break;
        case 0x71: // BINPUT
          this.#memoPut(this.#u8());
          break;
        case 0x72: // LONG_BINPUT
          this.#memoPut(this.#u32());
          break;
        case 0x94: // MEMOIZE
          this.#memoPut(this.#memo.size);
          break;
        case 0x8b: {
          // LONG4
          const length = this.#i32();
          if (length < 0) this.fail("CorruptPickle", `LONG4 has a negative length ${length}`);
          this.#push(this.#long(length));
          break;
        }
        case 0x54: {
          // BINSTRING (Python 2 str)
          const length = this.#i32();
          if (length < 0) this.fail("CorruptPickle", `BINSTRING has a negative length ${length}`);
          this.#push(this.#latin1(length));
          break;
        }
        case 0x97: // NEXT_BUFFER
          this.fail("ForbiddenConstruct", "NEXT_BUFFER asks for an out-of-band buffer, which a file on its own cannot provide");
          break;
        case 0x98: // READONLY_BUFFER: the bytes are ours and never written to anyway
          this.#top("READONLY_BUFFER");
          break;
        case 0x86: {
          // TUPLE2
          const b = this.#pop("TUPLE2");
          this.#push(pickleTuple([this.#pop("TUPLE2"), b]));
          break;
        }
        case 0x87: {
          // TUPLE3
          const c = this.#pop("TUPLE3");
          const b = this.#pop("TUPLE3");
          this.#push(pickleTuple([this.#pop("TUPLE3"), b, c]));
          break;
        }
        case 0x61: {
          // APPEND
          const item = this.#pop("APPEND");
          const list = this.#top("APPEND");
          if (!Array.isArray(list) || isPickleTuple(list)) this.fail("ForbiddenConstruct", `APPEND targets ${describeValue(list)}, not a list (it would call its append method)`);
          list.push(item);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = this.#popMark("APPENDS");
          const list = this.#top("APPENDS");
          if (!Array.isArray(list) || isPickleTuple(list)) this.fail("ForbiddenConstruct", `APPENDS targets ${describeValue(list)}, not a list (it would call its extend method)`);
          for (const item of items) list.push(item);
          break;
        }
        case 0x64: {
          // DICT
          const items = this.#popMark("DICT");
          if (items.length % 2 !== 0) this.fail("CorruptPickle", `DICT has an odd number (${items.length}) of keys and values`);
          const dict = new Map<PickleValue, PickleValue>();
          for (let i = 0; i < items.length; i += 2) this.#setItem(dict, items[i]!, items[i + 1]!);
          this.#push(dict);
          break;
        }
        case 0x73: {
          // SETITEM
          const value = this.#pop("SETITEM");
          const key = this.#pop("SETITEM");
          this.#setItem(this.#dict(this.#top("SETITEM"), "SETITEM"), key, value);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = this.#popMark("SETITEMS");
          if (items.length % 2 !== 0) this.fail("CorruptPickle", `SETITEMS has an odd number (${items.length}) of keys and values`);
          const dict = this.#dict(this.#top("SETITEMS"), "SETITEMS");
          for (let i = 0; i < items.length; i += 2) this.#setItem(dict, items[i]!, items[i + 1]!);
          break;
        }
        case 0x90: {
          // ADDITEMS
          const items = this.#popMark("ADDITEMS");
          this.#addTo(this.#top("ADDITEMS"), items, "ADDITEMS");
          break;
        }
        case 0x91: {
          // FROZENSET
          const set = new Set<PickleValue>();
          this.#addTo(set, this.#popMark("FROZENSET"), "FROZENSET");
          this.#push(set);
          break;
        }
        case 0x63: {
          // GLOBAL: "module\nname\n"
          const module = this.#line("GLOBAL");
          this.#global(module, this.#line("GLOBAL"));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = this.#pop("STACK_GLOBAL");
          const module = this.#pop("STACK_GLOBAL");
          if (typeof module !== "string" || typeof name !== "string") this.fail("CorruptPickle", `STACK_GLOBAL expects two strings but got ${describeValue(module)} and ${describeValue(name)}`);
          this.#global(module, name);
          break;
        }
        case 0x52: {
          // REDUCE
          const args = this.#asTuple(this.#pop("REDUCE"), "REDUCE");
          const callable = this.#callable(this.#pop("REDUCE"), "REDUCE");
          if (!callable.call) this.fail("ForbiddenConstruct", `REDUCE would call ${callable.module}.${callable.name}, which the allow-list permits only as a class to instantiate`);
          this.#push(callable.call(args, this));
          break;
        }
        case 0x81: // NEWOBJ
        case 0x92: {
          // NEWOBJ_EX
          const what = op === 0x81 ? "NEWOBJ" : "NEWOBJ_EX";
          if (op === 0x92) {
            const kwargs = this.#pop(what);
            if (!(kwargs instanceof Map) || kwargs.size !== 0) this.fail("ForbiddenConstruct", `${what} passes keyword arguments (${describeValue(kwargs)}) to __new__`);
          }
          const args = this.#asTuple(this.#pop(what), what);
          const cls = this.#callable(this.#pop(what), what);
          if (!cls.instantiate) this.fail("ForbiddenConstruct", `${what} would instantiate ${cls.module}.${cls.name}, which the allow-list permits only as a function argument`);
          this.#push(cls.instantiate(args, this));
          break;
        }
        case 0x62: {
          // BUILD
          const state = this.#pop("BUILD");
          const target = this.#pop("BUILD");
          if (!isPickleObject(target)) this.fail("ForbiddenConstruct", `BUILD sets the state of ${describeValue(target)}, which is not an object an allow-listed class made`);
          this.#push(target.build(state, this));
          break;
        }
        case 0x69: // INST
        case 0x6f: // OBJ
          this.fail("ForbiddenConstruct", `opcode ${op === 0x69 ? "INST" : "OBJ"} instantiates a class by calling it (protocol 0/1); refused`);
          break;
        case 0x50: // PERSID
        case 0x51: // BINPERSID
          this.fail("ForbiddenConstruct", "a persistent id refers to an object outside the pickle; refused");
          break;
        case 0x82: // EXT1
        case 0x83: // EXT2
        case 0x84: // EXT4
          this.fail("ForbiddenConstruct", "an extension code refers to Python's copyreg registry; refused");
          break;
        default:
          this.fail("CorruptPickle", `opcode 0x${op.toString(16).padStart(2, "0")} (${JSON.stringify(String.fromCharCode(op))}) is unknown or a protocol 0/1 text opcode, not supported`);
      }
    }
  }

  /** A newline-terminated ASCII line (GLOBAL's arguments), at most 256 bytes. */
  #line(what: string): string {
    const limit = Math.min(this.#bytes.byteLength, this.#pos + 256);
    for (let i = this.#pos; i < limit; i++) {
      if (this.#bytes[i] === 0x0a) {
        const text = this.#latin1(i - this.#pos);
        this.#pos++;
        return text;
      }
    }
    return this.fail("CorruptPickle", `${what} argument has no end of line within 256 bytes (truncated or corrupt)`);
  }
}

function isHashable(value: PickleValue): boolean {
  if (value === null || typeof value !== "object") return true;
  if (value instanceof Uint8Array) return true;
  if (isPickleTuple(value)) return value.every(isHashable);
  return isPickleGlobal(value);
}
