/**
 * What the restricted unpickler builds: plain data only. Python's None, bool, int, float, str, bytes map to
 * null, boolean, number (bigint beyond 2^53), number, string, Uint8Array; list to an array, tuple to a
 * frozen {@link PickleTuple}, dict to a Map (so no key can reach an object prototype), set/frozenset to a Set.
 * Everything an allow-listed global builds is a {@link PickleObject}; a global itself is a {@link PickleGlobal}.
 */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | PickleTuple
  | Map<PickleValue, PickleValue>
  | Set<PickleValue>
  | PickleGlobal
  | PickleObject;

/** A Python tuple: a frozen array, told apart from a list by {@link isPickleTuple}. */
export type PickleTuple = readonly PickleValue[] & { readonly [TUPLE]: true };
const TUPLE: unique symbol = Symbol("PickleTuple");

export function pickleTuple(items: PickleValue[]): PickleTuple {
  Object.defineProperty(items, TUPLE, { value: true });
  return Object.freeze(items) as unknown as PickleTuple;
}

export function isPickleTuple(value: unknown): value is PickleTuple {
  return Array.isArray(value) && (value as { [TUPLE]?: true })[TUPLE] === true;
}

/** What the reader offers a global's handler: where it is, a way to fail, and (joblib) bytes that follow the pickle opcodes. */
export interface PickleContext {
  /** The file being read, for messages. */
  readonly file: string;
  /** Byte offset of the opcode being executed. */
  readonly offset: number;
  /** Throws a CorruptPickle / InvalidParameters / ... error naming the file and offset. */
  fail(code: "CorruptPickle" | "InvalidParameters" | "UnsupportedEstimator" | "ForbiddenConstruct", message: string): never;
  /** Consumes `length` raw bytes at the current position (joblib writes array data between opcodes); bounds-checked. */
  readRaw(length: number): Uint8Array;
}

/**
 * An allow-listed global (`module.name`) and what the pickle may do with it. A global without `call`
 * cannot be REDUCEd, one without `instantiate` cannot be NEWOBJ'd: the pickle is refused instead.
 */
export interface PickleGlobal {
  readonly kind: "global";
  readonly module: string;
  readonly name: string;
  /** REDUCE: `global(*args)`. */
  call?(args: PickleTuple, ctx: PickleContext): PickleValue;
  /** NEWOBJ / NEWOBJ_EX: `global.__new__(global, *args)`. */
  instantiate?(args: PickleTuple, ctx: PickleContext): PickleValue;
}

/** An object built by an allow-listed global; BUILD hands it its state (and may replace it, as joblib's array wrapper does). */
export interface PickleObject {
  readonly kind: "object";
  /** `module.name` of its class, for messages. */
  readonly className: string;
  /** BUILD: applies `state`; returns the value that replaces the object on the stack (usually itself). */
  build(state: PickleValue, ctx: PickleContext): PickleValue;
}

export function isPickleObject(value: unknown): value is PickleObject {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "object" && !Array.isArray(value);
}

export function isPickleGlobal(value: unknown): value is PickleGlobal {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "global" && !Array.isArray(value);
}

/** A short description of a value for error messages (never the whole value: it may be large or cyclic). */
export function describeValue(value: PickleValue | undefined): string {
  if (value === undefined) return "nothing";
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number" || typeof value === "bigint") return `the number ${String(value)}`;
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (isPickleTuple(value)) return `a tuple of ${value.length}`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value instanceof Map) return `a dict of ${value.size}`;
  if (value instanceof Set) return `a set of ${value.size}`;
  if (isPickleGlobal(value)) return `the global ${value.module}.${value.name}`;
  return `a ${value.className}`;
}

/**
 * A global the pickle may REDUCE (`module.name(*args)`), and nothing else. (Annotate `ctx: PickleContext` in
 * `call` where code after `ctx.fail` relies on it returning never: TypeScript narrows only on declared types.)
 */
export function callableGlobal(module: string, name: string, call: (args: PickleTuple, ctx: PickleContext) => PickleValue): PickleGlobal {
  return { kind: "global", module, name, call };
}

/**
 * The bytes of a latin-1 string: protocol 2 under Python 3 writes `bytes` as text, one character per byte.
 * @param what Names the value in the error, e.g. "numpy array data given as text".
 */
export function latin1Bytes(text: string, ctx: PickleContext, what: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) ctx.fail("CorruptPickle", `${what} has characters beyond latin-1`);
    out[i] = c;
  }
  return out;
}
