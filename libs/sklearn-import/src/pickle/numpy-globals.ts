import {
  callableGlobal,
  describeValue,
  isPickleTuple,
  latin1Bytes,
  type PickleContext,
  type PickleGlobal,
  type PickleObject,
  type PickleTuple,
  type PickleValue,
} from "./pickle-values.js";

/**
 * numpy's part of the allow-list: `numpy.dtype`, the `ndarray` class (only as `_reconstruct`'s argument),
 * `_reconstruct` (protocols 2-4), `_frombuffer` (protocol 5), `scalar`, under the module paths numpy 1.x
 * (`numpy.core.*`) and 2.x (`numpy._core.*`) pickle them. Each builds plain data: {@link NumpyArray} holds
 * the raw bytes and is decoded only by {@link arrayToFloat64}.
 */

/** A numpy dtype: only booleans, integers and floats (kinds b, i, u, f), and object for arrays of strings. */
export class NumpyDType implements PickleObject {
  readonly kind = "object";
  readonly className = "numpy.dtype";
  /** `<` little-endian, `>` big-endian, `|` not applicable (1 byte, object). */
  byteOrder: "<" | ">" | "|";
  constructor(
    /** numpy's kind letter: f, i, u, b or O. */
    readonly typeKind: "f" | "i" | "u" | "b" | "O",
    readonly itemSize: number,
  ) {
    this.byteOrder = itemSize === 1 || typeKind === "O" ? "|" : "<";
  }
  get descr(): string {
    return `${this.byteOrder === "|" ? "" : this.byteOrder}${this.typeKind}${this.itemSize}`;
  }
  /** numpy's `dtype.__setstate__`: (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata]). */
  build(state: PickleValue, ctx: PickleContext): PickleValue {
    if (!isPickleTuple(state) || state.length < 8) ctx.fail("CorruptPickle", `numpy dtype state is ${describeValue(state)}; expected a tuple of 8 or 9`);
    const [, order, subarray, names, fields] = state;
    if (subarray !== null || names !== null || fields !== null) ctx.fail("InvalidParameters", `numpy dtype ${this.typeKind}${this.itemSize} is a structured or subarray dtype, not supported`);
    if (order === "<" || order === ">") {
      if (this.byteOrder !== "|") this.byteOrder = order;
    } else if (order === "=") {
      // Native order of the machine that wrote the file; numpy itself writes < or > for multi-byte types.
      if (this.byteOrder !== "|") this.byteOrder = "<";
    } else if (order !== "|") {
      ctx.fail("CorruptPickle", `numpy dtype byte order is ${describeValue(order)}; expected <, >, = or |`);
    }
    return this;
  }
}

/** A numpy array as read: dtype, shape, C or Fortran order, and its bytes (or, for object arrays, its items). */
export class NumpyArray implements PickleObject {
  readonly kind = "object";
  readonly className = "numpy.ndarray";
  dtype: NumpyDType | undefined;
  shape: readonly number[] = [0];
  fortranOrder = false;
  data: Uint8Array = new Uint8Array(0);
  objects: readonly PickleValue[] | undefined;

  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** numpy's `ndarray.__setstate__`: ([version,] shape, dtype, is_fortran, rawdata). */
  build(state: PickleValue, ctx: PickleContext): PickleValue {
    if (!isPickleTuple(state) || (state.length !== 5 && state.length !== 4)) ctx.fail("CorruptPickle", `numpy array state is ${describeValue(state)}; expected a tuple of 4 or 5`);
    const [shape, dtype, fortran, raw] = state.length === 5 ? state.slice(1) : state;
    this.setContents(checkShape(shape, ctx), checkDType(dtype, ctx), fortran === true || fortran === 1, raw!, ctx);
    return this;
  }

  setContents(shape: readonly number[], dtype: NumpyDType, fortranOrder: boolean, raw: PickleValue, ctx: PickleContext): void {
    this.shape = shape;
    this.dtype = dtype;
    this.fortranOrder = fortranOrder;
    const size = this.size;
    if (dtype.typeKind === "O") {
      if (!Array.isArray(raw) || raw.length !== size) ctx.fail("InvalidParameters", `numpy object array of shape (${shape.join(", ")}) holds ${describeValue(raw)}`);
      this.objects = raw;
      return;
    }
    const bytes = typeof raw === "string" ? latin1Bytes(raw, ctx, "numpy array data given as text") : raw;
    if (!(bytes instanceof Uint8Array)) ctx.fail("CorruptPickle", `numpy array data is ${describeValue(raw)}; expected bytes`);
    // Checked against the bytes actually present, so a huge declared shape never allocates anything.
    if (bytes.byteLength !== size * dtype.itemSize) {
      ctx.fail("InvalidParameters", `numpy array of shape (${shape.join(", ")}) and dtype ${dtype.descr} needs ${size * dtype.itemSize} bytes but holds ${bytes.byteLength}`);
    }
    this.data = bytes;
  }
}

/** A dtype descriptor as `numpy.dtype(...)` receives it when unpickling: `f8`, `<f4`, `i8`, `b1`, `O8`... */
function makeDType(args: PickleTuple, ctx: PickleContext): NumpyDType {
  const descr = args[0];
  const m = typeof descr === "string" ? /^([<>=|]?)([fiubO])(\d+)$/.exec(descr) : null;
  if (!m) ctx.fail("InvalidParameters", `numpy dtype ${describeValue(descr)} is not supported (booleans, integers, float32/float64 and object only)`);
  const kind = m[2] as NumpyDType["typeKind"];
  const size = Number(m[3]);
  const sizes: Record<string, number[]> = { f: [4, 8], i: [1, 2, 4, 8], u: [1, 2, 4, 8], b: [1], O: [4, 8] };
  if (!sizes[kind]!.includes(size)) ctx.fail("InvalidParameters", `numpy dtype ${descr} is not supported (float16/float128 and other sizes are not)`);
  const dtype = new NumpyDType(kind, size);
  if (m[1] === "<" || m[1] === ">") dtype.byteOrder = size === 1 ? "|" : m[1];
  return dtype;
}

function checkDType(value: PickleValue | undefined, ctx: PickleContext): NumpyDType {
  if (!(value instanceof NumpyDType)) ctx.fail("CorruptPickle", `a numpy dtype was expected but got ${describeValue(value)}`);
  return value;
}

function checkShape(value: PickleValue | undefined, ctx: PickleContext): number[] {
  if (!isPickleTuple(value) || !value.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0)) {
    ctx.fail("CorruptPickle", `a numpy shape was expected (a tuple of non-negative integers) but got ${describeValue(value)}`);
  }
  return value as unknown as number[];
}

const NDARRAY: PickleGlobal = { kind: "global", module: "numpy", name: "ndarray" };

const DTYPE: PickleGlobal = { kind: "global", module: "numpy", name: "dtype", call: makeDType };

/** `_reconstruct(ndarray, (0,), b'b')`: an empty array that the next BUILD fills. */
function reconstruct(name: string): PickleGlobal {
  return callableGlobal(name, "_reconstruct", (args, ctx: PickleContext) => {
    if (args[0] !== NDARRAY) ctx.fail("ForbiddenConstruct", `numpy _reconstruct is asked for ${describeValue(args[0])}; only numpy.ndarray is allowed`);
    return new NumpyArray();
  });
}

/** `_frombuffer(buffer, dtype, shape, order)`: protocol 5's array, its bytes in-band (BYTEARRAY8). */
function frombuffer(name: string): PickleGlobal {
  return callableGlobal(name, "_frombuffer", (args, ctx: PickleContext) => {
    const [buffer, dtype, shape, order] = args;
    const array = new NumpyArray();
    array.setContents(checkShape(shape, ctx), checkDType(dtype, ctx), order === "F", buffer ?? null, ctx);
    return array;
  });
}

/** `scalar(dtype, bytes)`: a numpy scalar such as `n_samples_seen_`, as a JS number. */
function scalar(name: string): PickleGlobal {
  return callableGlobal(name, "scalar", (args, ctx: PickleContext) => {
    const dtype = checkDType(args[0], ctx);
    const raw = typeof args[1] === "string" ? latin1Bytes(args[1], ctx, "a numpy scalar given as text") : args[1];
    if (dtype.typeKind === "O" || !(raw instanceof Uint8Array) || raw.byteLength !== dtype.itemSize) {
      ctx.fail("InvalidParameters", `numpy scalar of dtype ${dtype.descr} holds ${describeValue(args[1])}`);
    }
    const array = new NumpyArray();
    array.setContents([], dtype, false, raw, ctx);
    return readElement(array, 0);
  });
}

/** Every numpy global on the allow-list, by `module.name`. */
export const NUMPY_GLOBALS: ReadonlyMap<string, PickleGlobal> = new Map(
  [
    NDARRAY,
    DTYPE,
    ...["numpy.core.multiarray", "numpy._core.multiarray", "numpy.core._multiarray_umath", "numpy._core._multiarray_umath"].flatMap((m) => [reconstruct(m), scalar(m)]),
    ...["numpy.core.numeric", "numpy._core.numeric"].map(frombuffer),
  ].map((g) => [`${g.module}.${g.name}`, g]),
);

/** Element `i` (flat, in storage order) as a number. */
function readElement(array: NumpyArray, i: number): number {
  const dtype = array.dtype!;
  const view = new DataView(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const little = dtype.byteOrder !== ">";
  const at = i * dtype.itemSize;
  switch (`${dtype.typeKind}${dtype.itemSize}`) {
    case "f8":
      return view.getFloat64(at, little);
    case "f4":
      return view.getFloat32(at, little);
    case "i1":
      return view.getInt8(at);
    case "u1":
    case "b1":
      return view.getUint8(at);
    case "i2":
      return view.getInt16(at, little);
    case "u2":
      return view.getUint16(at, little);
    case "i4":
      return view.getInt32(at, little);
    case "u4":
      return view.getUint32(at, little);
    case "i8":
      return Number(view.getBigInt64(at, little));
    case "u8":
      return Number(view.getBigUint64(at, little));
    default:
      throw new TypeError(`unsupported dtype ${dtype.descr}`);
  }
}

/**
 * The array's values as float64, in C (row-major) order whatever its storage order. float32 widens exactly,
 * so a float32 model keeps its values bit for bit.
 */
export function arrayToFloat64(array: NumpyArray): Float64Array {
  const size = array.size;
  const out = new Float64Array(size);
  if (array.dtype?.typeKind === "O") throw new TypeError("an object array has no float values");
  const shape = array.shape;
  if (!array.fortranOrder || shape.length < 2) {
    for (let i = 0; i < size; i++) out[i] = readElement(array, i);
    return out;
  }
  // Fortran order: element (i0, i1, ...) is stored at i0 + s0 * (i1 + s1 * ...).
  const index = new Array<number>(shape.length).fill(0);
  for (let c = 0; c < size; c++) {
    let f = 0;
    for (let d = shape.length - 1; d >= 0; d--) f = f * shape[d]! + index[d]!;
    out[c] = readElement(array, f);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}
