/**
 * Just enough of the WebAssembly binary format to emit small kernels at run time: LEB128 numbers, the
 * opcodes the kernels use (SIMD included) and a module with one imported memory and exported functions.
 * Kernels are specialised to their shapes when first needed (constants baked into addresses and loop
 * bounds), which a kernel compiled ahead of time cannot be.
 */

export type Bytes = number[];

export function uleb(n: number): Bytes {
  const out: Bytes = [];
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

export function sleb(n: number): Bytes {
  const out: Bytes = [];
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

const simd = (code: number): Bytes => [0xfd, ...uleb(code)];

/** Instructions, as byte arrays to concatenate. Memory offsets are in bytes. */
export const op = {
  localGet: (i: number): Bytes => [0x20, ...uleb(i)],
  localSet: (i: number): Bytes => [0x21, ...uleb(i)],
  localTee: (i: number): Bytes => [0x22, ...uleb(i)],
  i32Const: (v: number): Bytes => [0x41, ...sleb(v)],
  i32Add: [0x6a] as Bytes,
  i32Sub: [0x6b] as Bytes,
  i32LtU: [0x49] as Bytes,
  i32Shl: [0x74] as Bytes,
  i32GeU: [0x4f] as Bytes,
  /** `block` / `loop` / `if` without results. */
  block: [0x02, 0x40] as Bytes,
  loop: [0x03, 0x40] as Bytes,
  if: [0x04, 0x40] as Bytes,
  end: [0x0b] as Bytes,
  brIf: (depth: number): Bytes => [0x0d, ...uleb(depth)],
  f32Load: (offset: number): Bytes => [0x2a, 2, ...uleb(offset)],
  f32Store: (offset: number): Bytes => [0x38, 2, ...uleb(offset)],
  f32Const: (v: number): Bytes => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)],
  f32Add: [0x92] as Bytes,
  f32Sub: [0x93] as Bytes,
  f32Div: [0x95] as Bytes,
  f32Sqrt: [0x91] as Bytes,
  f32Mul: [0x94] as Bytes,
  f32Min: [0x96] as Bytes,
  f32Eq: [0x5b] as Bytes,
  f32Ne: [0x5c] as Bytes,
  f32Lt: [0x5d] as Bytes,
  f32Gt: [0x5e] as Bytes,
  f32Le: [0x5f] as Bytes,
  f32Ge: [0x60] as Bytes,
  i32Store8: (offset: number): Bytes => [0x3a, 0, ...uleb(offset)],
  f32Max: [0x97] as Bytes,
  f64Load: (offset: number): Bytes => [0x2b, 3, ...uleb(offset)],
  f64Store: (offset: number): Bytes => [0x39, 3, ...uleb(offset)],
  f64Add: [0xa0] as Bytes,
  f64PromoteF32: [0xbb] as Bytes,
  f32DemoteF64: [0xb6] as Bytes,
  i32Mul: [0x6c] as Bytes,
  i32Load: (offset: number): Bytes => [0x28, 2, ...uleb(offset)],
  i32Store: (offset: number): Bytes => [0x36, 2, ...uleb(offset)],
  /** Loads two float32 into the low half of a v128 (the high half zero). */
  v128Load64Zero: (offset: number): Bytes => [...simd(0x5d), 3, ...uleb(offset)],
  /** The two low float32 lanes as two float64 lanes (exact). */
  f64x2PromoteLowF32x4: simd(0x5f),
  f64x2Add: simd(0xf0),
  f64x2Mul: simd(0xf2),
  f64Mul: [0xa2] as Bytes,
  /** Two float64 lanes rounded to float32 in the low half (the high half zero). */
  f32x4DemoteF64x2Zero: simd(0x5e),
  /** Stores the low 64 bits (lane 0 of i64x2). */
  v128Store64Lane0: (offset: number): Bytes => [...simd(0x5b), 3, ...uleb(offset), 0],
  i32And: [0x71] as Bytes,
  f32ConvertI32U: [0xb3] as Bytes,
  v128Load: (offset: number): Bytes => [...simd(0x00), 4, ...uleb(offset)],
  v128Store: (offset: number): Bytes => [...simd(0x0b), 4, ...uleb(offset)],
  /** Loads one float32 and repeats it in all four lanes. */
  v128Load32Splat: (offset: number): Bytes => [...simd(0x09), 2, ...uleb(offset)],
  f32x4Splat: simd(0x13),
  v128Zero: [...simd(0x0c), ...new Array<number>(16).fill(0)],
  f32x4Eq: simd(0x41),
  f32x4Ne: simd(0x42),
  f32x4Lt: simd(0x43),
  f32x4Gt: simd(0x44),
  f32x4Le: simd(0x45),
  f32x4Ge: simd(0x46),
  v128And: simd(0x4e),
  /** 1 if any bit of the v128 is set. */
  v128AnyTrue: simd(0x53),
  i32Or: [0x72] as Bytes,
  /** a & ~b. */
  v128AndNot: simd(0x4f),
  /** `select(a, b, cond)`: cond ? a : b. */
  select: [0x1b] as Bytes,
  i8x16Splat: simd(0x0f),
  /** Signed saturating narrowing: lanes of -1 (a comparison's true) stay -1. */
  i16x8NarrowI32x4S: simd(0x85),
  i8x16NarrowI16x8S: simd(0x65),
  f32x4Sqrt: simd(0xe3),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Div: simd(0xe7),
  f32x4Mul: simd(0xe6),
  f32x4Min: simd(0xe8),
  f32x4Max: simd(0xe9),
  /** Relaxed SIMD: a·b + c, fused (one rounding) or not, as the engine's hardware does it. */
  f32x4RelaxedMadd: simd(0x105),
  f32x4Abs: simd(0xe0),
  f32x4Nearest: simd(0x6a),
  i32x4TruncSatF32x4S: simd(0xf8),
  i32x4Splat: simd(0x11),
  i32x4Add: simd(0xae),
  i32x4Shl: simd(0xab),
  v128Or: simd(0x50),
  v128Bitselect: simd(0x52),
  /** `i8x16.shuffle` of two f32x4 by float lanes (0-3 the first operand, 4-7 the second). */
  f32x4Shuffle: (lanes: readonly number[]): Bytes => [
    ...simd(0x0d),
    ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]),
  ],
  f32x4ExtractLane: (lane: number): Bytes => [...simd(0x1f), lane],
  i32GtS: [0x4a] as Bytes,
  i32LtS: [0x48] as Bytes,
  i32Eqz: [0x45] as Bytes,
};

let relaxed: boolean | null = null;

/**
 * Whether this engine compiles relaxed SIMD (browsers; Node 22+, Node 20 with
 * `--experimental-wasm-relaxed-simd`): a module of one `f32x4.relaxed_madd` validates.
 */
export function relaxedSimdSupported(): boolean {
  if (relaxed === null) {
    const zero = [...op.v128Zero];
    const body = [0, ...zero, ...zero, ...zero, ...op.f32x4RelaxedMadd, 0x1a, 0x0b];
    const code = [1, ...uleb(body.length), ...body];
    const bytes = [
      0,
      97,
      115,
      109,
      1,
      0,
      0,
      0,
      1,
      4,
      1,
      0x60,
      0,
      0,
      3,
      2,
      1,
      0,
      10,
      ...uleb(code.length),
      ...code,
    ];
    relaxed = typeof WebAssembly.validate === 'function' && WebAssembly.validate(new Uint8Array(bytes));
  }
  return relaxed;
}

function section(id: number, body: Bytes): Bytes {
  return [id, ...uleb(body.length), ...body];
}

function vector(items: Bytes[]): Bytes {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): Bytes {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

export interface FunctionSpec {
  readonly name: string;
  /** Parameter types (results: none). */
  readonly params: readonly number[];
  /** Extra locals, as [count, type] runs. */
  readonly locals: readonly (readonly [number, number])[];
  readonly body: Bytes;
}

/**
 * A module importing `env.memory` (shared for the threaded build, whose heap is a SharedArrayBuffer) and
 * exporting the given functions.
 */
export function moduleBytes(
  functions: readonly FunctionSpec[],
  sharedMemory: boolean,
): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((p) => [p])), 0]);
  // A shared memory import must state its maximum: 65536 pages (4 GiB) accepts any heap.
  const limits = sharedMemory ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)];
  const imports = [[...name('env'), ...name('memory'), 0x02, ...limits]];
  const code = functions.map((f) => {
    const body = [...vector(f.locals.map(([n, t]) => [...uleb(n), t])), ...f.body, ...op.end];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...section(1, vector(types)),
    ...section(2, vector(imports)),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vector(code)),
  ]);
}
