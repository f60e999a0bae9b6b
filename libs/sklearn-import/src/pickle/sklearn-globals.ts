import { NUMPY_GLOBALS, NumpyArray, NumpyDType } from "./numpy-globals.js";
import {
  callableGlobal,
  describeValue,
  isPickleTuple,
  latin1Bytes,
  pickleTuple,
  type PickleContext,
  type PickleGlobal,
  type PickleObject,
  type PickleValue,
} from "./pickle-values.js";
import type { GlobalRefusal } from "./read-pickle.js";

/** The three estimator classes the importer understands. */
export type EstimatorClass = "Pipeline" | "StandardScaler" | "OneClassSVM";

/** An instance of an allow-listed scikit-learn class: its pickled `__dict__`, nothing else. */
export class SklearnEstimator implements PickleObject {
  readonly kind = "object";
  readonly state = new Map<string, PickleValue>();
  constructor(
    readonly estimator: EstimatorClass,
    /** Where the pickle found it, e.g. `sklearn.svm._classes.OneClassSVM` (1.x) or `sklearn.svm.classes.OneClassSVM` (0.19). */
    readonly className: string,
  ) {}

  /** `BaseEstimator.__setstate__` with a dict, or the default (dict, slots) pair. */
  build(state: PickleValue, ctx: PickleContext): PickleValue {
    const parts = isPickleTuple(state) && state.length === 2 ? state : [state];
    for (const part of parts) {
      if (part === null) continue;
      if (!(part instanceof Map)) ctx.fail("CorruptPickle", `the state of ${this.className} is ${describeValue(part)}; expected a dict`);
      for (const [key, value] of part) {
        if (typeof key !== "string") ctx.fail("CorruptPickle", `the state of ${this.className} has a key that is ${describeValue(key)}, not an attribute name`);
        this.state.set(key, value);
      }
    }
    return this;
  }
}

/** Where scikit-learn 0.19 to 1.x define the three classes (private modules since 0.22). */
const ESTIMATOR_MODULES: Readonly<Record<EstimatorClass, readonly string[]>> = {
  Pipeline: ["sklearn.pipeline"],
  StandardScaler: ["sklearn.preprocessing.data", "sklearn.preprocessing._data"],
  OneClassSVM: ["sklearn.svm.classes", "sklearn.svm._classes"],
};

function estimatorGlobal(module: string, name: EstimatorClass): PickleGlobal {
  const className = `${module}.${name}`;
  const global: PickleGlobal = {
    kind: "global",
    module,
    name,
    instantiate: (args, ctx) => {
      if (args.length !== 0) ctx.fail("CorruptPickle", `${className}.__new__ is given ${args.length} arguments; expected none`);
      return new SklearnEstimator(name, className);
    },
  };
  return global;
}

const OBJECT: PickleGlobal = { kind: "global", module: "builtins", name: "object" };

/** Python 2 pickles and protocol-2 fallbacks: `copyreg._reconstructor(cls, object, None)` is `cls.__new__(cls)`. */
function reconstructor(module: string): PickleGlobal {
  return callableGlobal(module, "_reconstructor", (args, ctx: PickleContext) => {
    const [cls, base, state] = args;
    if (args.length !== 3 || base !== OBJECT || state !== null || typeof cls !== "object" || cls === null || !("instantiate" in cls)) {
      ctx.fail("ForbiddenConstruct", `copyreg._reconstructor is called with (${args.map(describeValue).join(", ")}); only (an allow-listed class, object, None) is allowed`);
    }
    return (cls as PickleGlobal).instantiate!(pickleTuple([]), ctx);
  });
}

/** Protocol 2 under Python 3 writes `bytes` as `_codecs.encode(text, "latin1")`. */
const CODECS_ENCODE = callableGlobal("_codecs", "encode", (args, ctx: PickleContext) => {
  const [text, encoding] = args;
  if (args.length !== 2 || typeof text !== "string" || encoding !== "latin1") {
    return ctx.fail("ForbiddenConstruct", `_codecs.encode is called with (${args.map(describeValue).join(", ")}); only (text, "latin1") is allowed`);
  }
  return latin1Bytes(text, ctx, "the text given to _codecs.encode(..., 'latin1')");
});

/** Protocol 2 under Python 3 writes an empty `bytes` as `bytes()` (`__builtin__.bytes`). */
function emptyBytes(module: string): PickleGlobal {
  return callableGlobal(module, "bytes", (args, ctx: PickleContext) => {
    if (args.length !== 0) return ctx.fail("ForbiddenConstruct", `${module}.bytes is called with (${args.map(describeValue).join(", ")}); only bytes() is allowed`);
    return new Uint8Array(0);
  });
}

/**
 * joblib's `NumpyArrayWrapper`: its state (shape, order, dtype, alignment) is followed in the file by the
 * array's bytes, outside any pickle opcode; BUILD reads them and leaves the array in the wrapper's place.
 */
class JoblibArrayWrapper implements PickleObject {
  readonly kind = "object";
  constructor(readonly className: string) {}
  build(state: PickleValue, ctx: PickleContext): PickleValue {
    if (!(state instanceof Map)) ctx.fail("CorruptPickle", `joblib's NumpyArrayWrapper state is ${describeValue(state)}; expected a dict`);
    const shape = state.get("shape");
    const dtype = state.get("dtype");
    const order = state.get("order");
    if (state.get("subclass") !== NUMPY_GLOBALS.get("numpy.ndarray")) ctx.fail("ForbiddenConstruct", `joblib array of subclass ${describeValue(state.get("subclass") ?? null)}; only numpy.ndarray is allowed`);
    if (!(dtype instanceof NumpyDType)) return ctx.fail("CorruptPickle", `joblib array dtype is ${describeValue(dtype ?? null)}`);
    if (dtype.typeKind === "O") ctx.fail("InvalidParameters", "joblib array of dtype object (stored as a nested pickle) is not supported");
    if (!isPickleTuple(shape) || !shape.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0)) {
      return ctx.fail("CorruptPickle", `joblib array shape is ${describeValue(shape ?? null)}`);
    }
    const alignment = state.get("numpy_array_alignment_bytes");
    if (alignment !== undefined && alignment !== null) {
      const padding = ctx.readRaw(1)[0]!;
      ctx.readRaw(padding);
    }
    const size = (shape as unknown as number[]).reduce((a, b) => a * b, 1);
    // readRaw checks the length against the bytes left first: a forged shape allocates nothing.
    const array = new NumpyArray();
    array.setContents(shape as unknown as number[], dtype, order === "F", ctx.readRaw(size * dtype.itemSize), ctx);
    return array;
  }
}

function joblibWrapper(module: string): PickleGlobal {
  return { kind: "global", module, name: "NumpyArrayWrapper", instantiate: () => new JoblibArrayWrapper(`${module}.NumpyArrayWrapper`) };
}

const BASE_GLOBALS: ReadonlyMap<string, PickleGlobal> = new Map([
  ...[
    ...NUMPY_GLOBALS.values(),
    ...Object.entries(ESTIMATOR_MODULES).flatMap(([name, modules]) => modules.map((m) => estimatorGlobal(m, name as EstimatorClass))),
    OBJECT,
    reconstructor("copyreg"),
    reconstructor("copy_reg"),
    CODECS_ENCODE,
    emptyBytes("builtins"),
    emptyBytes("__builtin__"),
  ].map((g) => [`${g.module}.${g.name}`, g] as const),
  // Python 2's name for builtins.object: the same value, which the reconstructor checks for.
  ["__builtin__.object", OBJECT] as const,
]);

const JOBLIB_GLOBALS: ReadonlyMap<string, PickleGlobal> = new Map([
  ...BASE_GLOBALS,
  ...["joblib.numpy_pickle", "sklearn.externals.joblib.numpy_pickle"].map((m) => [`${m}.NumpyArrayWrapper`, joblibWrapper(m)] as const),
]);

const SUPPORTED = "only Pipeline(StandardScaler, OneClassSVM) and a bare OneClassSVM can be imported";
const ALLOWED = "it is not on the allow-list (scikit-learn's Pipeline, StandardScaler and OneClassSVM, numpy's arrays, dtypes and scalars, and the few builtins pickles of them use)";

/** The allow-list for a plain pickle, or for a joblib dump (which adds joblib's array wrapper). */
export function sklearnGlobals(options: { readonly joblib: boolean }): (module: string, name: string) => PickleGlobal | GlobalRefusal {
  const table = options.joblib ? JOBLIB_GLOBALS : BASE_GLOBALS;
  return (module, name) => {
    const found = table.get(`${module}.${name}`);
    if (found) return found;
    if (module === "sklearn" || module.startsWith("sklearn.")) {
      return { kind: "refused", code: "UnsupportedEstimator", reason: `it is scikit-learn's ${name}; ${SUPPORTED}` };
    }
    if (!options.joblib && name === "NumpyArrayWrapper") {
      return { kind: "refused", code: "ForbiddenGlobal", reason: "this is a joblib dump: name the file model_<device>_<sensor>.joblib so it is read as one" };
    }
    return { kind: "refused", code: "ForbiddenGlobal", reason: ALLOWED };
  };
}
