import { describe, expect, it } from "vitest";
import { isPickleTuple, readPickle, sklearnGlobals, type PickleGlobal, type PickleValue } from "../index.js";

/** Builds pickle bytes from opcodes (numbers) and raw arguments (strings as latin-1, arrays of bytes). */
function pkl(...parts: (number | string | number[] | Uint8Array)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === "number") out.push(p);
    else if (typeof p === "string") for (const c of p) out.push(c.charCodeAt(0));
    else out.push(...p);
  }
  return Uint8Array.from(out);
}
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const u64 = (n: number) => [...u32(n), ...u32(Math.floor(n / 2 ** 32))];
const PROTO4 = [0x80, 4];
const STOP = 0x2e;
/** SHORT_BINUNICODE */
const su = (s: string) => [0x8c, Buffer.byteLength(s), ...Buffer.from(s, "utf8")];

const noGlobals = () => ({ kind: "refused", code: "ForbiddenGlobal", reason: "test" }) as const;
const read = (bytes: Uint8Array, resolveGlobal: Parameters<typeof readPickle>[1]["resolveGlobal"] = noGlobals): PickleValue => readPickle(bytes, { file: "t.pkl", resolveGlobal }).value;
const refusal = (bytes: Uint8Array, resolveGlobal?: Parameters<typeof readPickle>[1]["resolveGlobal"]): { code: string; message: string } => {
  try {
    read(bytes, resolveGlobal);
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error("expected the pickle to be refused");
};

describe("readPickle: one opcode at a time", () => {
  it("PROTO 2-5 and FRAME (a frame beyond the file is corrupt)", () => {
    for (const v of [2, 3, 4, 5]) expect(read(pkl(0x80, v, 0x4e, STOP))).toBe(null);
    expect(refusal(pkl(0x80, 6, 0x4e, STOP)).message).toContain("pickle protocol 6 is not supported");
    expect(read(pkl(...PROTO4, 0x95, u64(2), 0x4e, STOP))).toBe(null);
    expect(refusal(pkl(...PROTO4, 0x95, u64(100), 0x4e, STOP)).message).toContain("FRAME declares 100 bytes but only 2 remain");
  });

  it("NONE, NEWTRUE, NEWFALSE", () => {
    expect(read(pkl(...PROTO4, 0x88, 0x89, 0x86, STOP))).toEqual([true, false]);
  });

  it("BININT1, BININT2, BININT (signed), LONG1 (two's complement), LONG4", () => {
    expect(read(pkl(...PROTO4, 0x4b, 200, STOP))).toBe(200);
    expect(read(pkl(...PROTO4, 0x4d, 0x34, 0x12, STOP))).toBe(0x1234);
    expect(read(pkl(...PROTO4, 0x4a, u32(-5 >>> 0), STOP))).toBe(-5);
    expect(read(pkl(...PROTO4, 0x8a, 2, 0xff, 0x7f, STOP))).toBe(0x7fff);
    expect(read(pkl(...PROTO4, 0x8a, 1, 0xff, STOP))).toBe(-1);
    expect(read(pkl(...PROTO4, 0x8a, 0, STOP))).toBe(0);
    expect(read(pkl(...PROTO4, 0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1, STOP))).toBe(2n ** 64n);
    expect(read(pkl(...PROTO4, 0x8b, u32(1), 5, STOP))).toBe(5);
  });

  it("BINFLOAT is a big-endian float64, bit for bit", () => {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(0.1 + 0.2);
    expect(read(pkl(...PROTO4, 0x47, b, STOP))).toBe(0.1 + 0.2);
  });

  it("SHORT_BINUNICODE, BINUNICODE, BINUNICODE8 (UTF-8, invalid UTF-8 refused); SHORT_BINSTRING / BINSTRING as latin-1", () => {
    expect(read(pkl(...PROTO4, ...su("héllo"), STOP))).toBe("héllo");
    expect(read(pkl(...PROTO4, 0x58, u32(2), "ab", STOP))).toBe("ab");
    expect(read(pkl(...PROTO4, 0x8d, u64(1), "z", STOP))).toBe("z");
    expect(refusal(pkl(...PROTO4, 0x8c, 1, 0xff, STOP)).message).toContain("not valid UTF-8");
    expect(read(pkl(...PROTO4, 0x55, 2, 0xe9, 0x41, STOP))).toBe("éA");
    expect(read(pkl(...PROTO4, 0x54, u32(1), "q", STOP))).toBe("q");
  });

  it("SHORT_BINBYTES, BINBYTES, BINBYTES8, BYTEARRAY8 (+ READONLY_BUFFER) are bytes", () => {
    expect(read(pkl(...PROTO4, 0x43, 2, 1, 2, STOP))).toEqual(Uint8Array.from([1, 2]));
    expect(read(pkl(...PROTO4, 0x42, u32(1), 9, STOP))).toEqual(Uint8Array.from([9]));
    expect(read(pkl(...PROTO4, 0x8e, u64(3), 7, 8, 9, STOP))).toEqual(Uint8Array.from([7, 8, 9]));
    expect(read(pkl(0x80, 5, 0x96, u64(1), 4, 0x98, STOP))).toEqual(Uint8Array.from([4]));
  });

  it("a length field larger than the file (1 GB BINBYTES8, BINUNICODE, BYTEARRAY8) is refused before any allocation", () => {
    for (const op of [0x8e, 0x96, 0x8d]) {
      const e = refusal(pkl(...PROTO4, op, u64(2 ** 30), 1, 2, 3, STOP));
      expect(e.code).toBe("CorruptPickle");
      expect(e.message).toMatch(/^t\.pkl: .* needs 1073741824 bytes but only 4 remain/);
    }
    expect(refusal(pkl(...PROTO4, 0x8e, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], STOP)).code).toBe("CorruptPickle");
  });

  it("EMPTY_TUPLE, TUPLE1-3, MARK + TUPLE are tuples; EMPTY_LIST, LIST, APPEND, APPENDS are lists", () => {
    // ((), (1,), (1, 2), (1, 2, 3), (None,)) built with EMPTY_TUPLE, TUPLE1, TUPLE2, TUPLE3, MARK ... TUPLE
    const t = read(pkl(...PROTO4, 0x28, 0x29, 0x4b, 1, 0x85, 0x4b, 1, 0x4b, 2, 0x86, 0x4b, 1, 0x4b, 2, 0x4b, 3, 0x87, 0x28, 0x4e, 0x74, 0x74, STOP)) as PickleValue[];
    expect(isPickleTuple(t)).toBe(true);
    expect(t).toEqual([[], [1], [1, 2], [1, 2, 3], [null]]);
    expect(t.every(isPickleTuple)).toBe(true);
    expect(Object.isFrozen(t)).toBe(true);
    const l = read(pkl(...PROTO4, 0x5d, 0x4b, 1, 0x61, 0x28, 0x4b, 2, 0x4b, 3, 0x65, 0x28, 0x4e, 0x6c, 0x61, STOP));
    expect(l).toEqual([1, 2, 3, [null]]);
    expect(isPickleTuple(l)).toBe(false);
    expect(refusal(pkl(...PROTO4, 0x29, 0x4e, 0x61, STOP)).message).toContain("APPEND targets a tuple of 0, not a list");
  });

  it("EMPTY_DICT, DICT, SETITEM, SETITEMS are Maps (a __proto__ key stays a key); unhashable keys refused", () => {
    const d = read(pkl(...PROTO4, 0x7d, ...su("a"), 0x4b, 1, 0x73, 0x28, ...su("__proto__"), 0x4b, 2, 0x4b, 3, 0x4b, 4, 0x75, STOP)) as Map<PickleValue, PickleValue>;
    expect([...d]).toEqual([["a", 1], ["__proto__", 2], [3, 4]]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect([...(read(pkl(...PROTO4, 0x28, ...su("k"), 0x4e, 0x64, STOP)) as Map<PickleValue, PickleValue>)]).toEqual([["k", null]]);
    expect(refusal(pkl(...PROTO4, 0x7d, 0x5d, 0x4e, 0x73, STOP)).message).toContain("which Python cannot hash");
    expect(refusal(pkl(...PROTO4, 0x28, 0x4e, 0x64, STOP)).message).toContain("odd number");
  });

  it("EMPTY_SET, ADDITEMS, FROZENSET are Sets", () => {
    expect(read(pkl(...PROTO4, 0x8f, 0x28, 0x4b, 1, 0x4b, 1, 0x4b, 2, 0x90, STOP))).toEqual(new Set([1, 2]));
    expect(read(pkl(...PROTO4, 0x28, ...su("x"), 0x91, STOP))).toEqual(new Set(["x"]));
  });

  it("BINPUT / LONG_BINPUT / MEMOIZE and BINGET / LONG_BINGET share one object; an unwritten memo entry is corrupt", () => {
    // [a, b, c] memoized as 0 (MEMOIZE), 7 (BINPUT), 300 (LONG_BINPUT), then fetched back into a tuple
    const w = read(pkl(...PROTO4, 0x5d, 0x94, 0x30, 0x5d, 0x71, 7, 0x30, 0x5d, 0x72, u32(300), 0x30, 0x68, 0, 0x68, 7, 0x6a, u32(300), 0x87, 0x68, 0, 0x86, STOP)) as PickleValue[][];
    expect(w[0]).toHaveLength(3);
    expect(w[0]![0]).toBe(w[1]);
    expect(w[0]![1]).not.toBe(w[0]![2]);
    expect(refusal(pkl(...PROTO4, 0x68, 3, STOP)).message).toContain("memo entry 3 is read before it is written");
  });

  it("MARK, POP, POP_MARK, DUP; a stack or MARK error is corrupt, not a crash", () => {
    expect(read(pkl(...PROTO4, 0x4b, 1, 0x4b, 2, 0x30, STOP))).toBe(1);
    expect(read(pkl(...PROTO4, 0x4b, 1, 0x28, 0x4b, 2, 0x4b, 3, 0x31, STOP))).toBe(1);
    const dup = read(pkl(...PROTO4, 0x5d, 0x32, 0x86, STOP)) as PickleValue[];
    expect(dup[0]).toBe(dup[1]);
    expect(refusal(pkl(...PROTO4, 0x30, STOP)).message).toContain("the stack is empty");
    expect(refusal(pkl(...PROTO4, 0x74, STOP)).message).toContain("TUPLE without a preceding MARK");
    expect(refusal(pkl(...PROTO4, 0x4e, 0x4e, STOP)).message).toContain("STOP with 2 values on the stack");
    expect(refusal(pkl(...PROTO4, 0x4e)).message).toContain("ends before the pickle's STOP opcode");
  });

  it("GLOBAL and STACK_GLOBAL go through the allow-list: os.system, subprocess.Popen, builtins.eval, __import__ are refused by name", () => {
    const resolve = sklearnGlobals({ joblib: false });
    for (const [module, name] of [["os", "system"], ["posix", "system"], ["subprocess", "Popen"], ["builtins", "eval"], ["builtins", "__import__"], ["builtins", "getattr"], ["nt", "system"]] as const) {
      const viaGlobal = refusal(pkl(0x80, 2, 0x63, `${module}\n${name}\n`, 0x43, 2, "ls", 0x85, 0x52, STOP), resolve);
      expect(viaGlobal.code).toBe("ForbiddenGlobal");
      expect(viaGlobal.message).toBe(`t.pkl: refuses the global ${module}.${name}: it is not on the allow-list (scikit-learn's Pipeline, StandardScaler and OneClassSVM, numpy's arrays, dtypes and scalars, and the few builtins pickles of them use); nothing was executed (pickle opcode at byte 2)`);
      const viaStack = refusal(pkl(...PROTO4, ...su(module), ...su(name), 0x93, STOP), resolve);
      expect(viaStack.message).toContain(`refuses the global ${module}.${name}`);
    }
    expect(refusal(pkl(...PROTO4, 0x4b, 1, 0x4b, 2, 0x93, STOP), resolve).message).toContain("STACK_GLOBAL expects two strings");
    expect(refusal(pkl(...PROTO4, ...su("sklearn.linear_model"), ...su("LogisticRegression"), 0x93, STOP), resolve)).toMatchObject({ code: "UnsupportedEstimator" });
  });

  it("REDUCE, NEWOBJ, NEWOBJ_EX and BUILD run only an allow-listed global's handler, and only the one it has", () => {
    const calls: string[] = [];
    const f: PickleGlobal = { kind: "global", module: "m", name: "f", call: (args) => (calls.push(`f${args.length}`), "called") };
    const C: PickleGlobal = {
      kind: "global",
      module: "m",
      name: "C",
      instantiate: () => ({ kind: "object", className: "m.C", build: (state) => (calls.push(`build ${String(state)}`), "built") }),
    };
    const resolve = (module: string, name: string) => (name === "f" ? f : name === "C" ? C : noGlobals());
    expect(read(pkl(...PROTO4, ...su("m"), ...su("f"), 0x93, 0x4b, 1, 0x85, 0x52, STOP), resolve)).toBe("called");
    expect(read(pkl(...PROTO4, ...su("m"), ...su("C"), 0x93, 0x29, 0x81, 0x4b, 7, 0x62, STOP), resolve)).toBe("built");
    expect(read(pkl(...PROTO4, ...su("m"), ...su("C"), 0x93, 0x29, 0x7d, 0x92, STOP), resolve)).toMatchObject({ className: "m.C" });
    expect(calls).toEqual(["f1", "build 7"]);
    expect(refusal(pkl(...PROTO4, ...su("m"), ...su("C"), 0x93, 0x29, 0x52, STOP), resolve)).toMatchObject({ code: "ForbiddenConstruct" });
    expect(refusal(pkl(...PROTO4, ...su("m"), ...su("f"), 0x93, 0x29, 0x81, STOP), resolve)).toMatchObject({ code: "ForbiddenConstruct" });
    expect(refusal(pkl(...PROTO4, ...su("x"), 0x29, 0x52, STOP), resolve).message).toContain('REDUCE would call the string "x"');
    expect(refusal(pkl(...PROTO4, 0x7d, 0x7d, 0x62, STOP), resolve).message).toContain("BUILD sets the state of a dict of 0");
    expect(refusal(pkl(...PROTO4, ...su("m"), ...su("C"), 0x93, 0x29, 0x28, ...su("k"), 0x4e, 0x64, 0x92, STOP), resolve).message).toContain("keyword arguments");
  });

  it("INST, OBJ, PERSID, BINPERSID, EXT1/2/4, NEXT_BUFFER are refused; protocol 0 text opcodes are not supported", () => {
    expect(refusal(pkl(...PROTO4, 0x69, "os\nsystem\n", STOP))).toMatchObject({ code: "ForbiddenConstruct" });
    expect(refusal(pkl(...PROTO4, 0x28, 0x6f, STOP))).toMatchObject({ code: "ForbiddenConstruct" });
    expect(refusal(pkl(...PROTO4, 0x50, "1\n", STOP))).toMatchObject({ code: "ForbiddenConstruct" });
    expect(refusal(pkl(...PROTO4, 0x4e, 0x51, STOP))).toMatchObject({ code: "ForbiddenConstruct" });
    for (const op of [0x82, 0x83, 0x84]) expect(refusal(pkl(...PROTO4, op, 1, 0, 0, 0, STOP))).toMatchObject({ code: "ForbiddenConstruct" });
    expect(refusal(pkl(0x80, 5, 0x97, STOP))).toMatchObject({ code: "ForbiddenConstruct" });
    expect(refusal(pkl(...PROTO4, 0x49, "1\n", STOP))).toMatchObject({ code: "CorruptPickle" });
  });
});
