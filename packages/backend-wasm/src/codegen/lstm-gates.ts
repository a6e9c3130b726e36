/**
 * The elementwise rows of the LSTM kernels (core/kit/loops/lstm-sequence.ts) emitted as WebAssembly
 * SIMD for one hidden size (a multiple of 4): the forward cell (`z = proj + h·U`, the gates, `c'`, `h'`)
 * and its backward, four columns per instruction. In JavaScript these rows were half of W6's step:
 * five `Math.exp`/`Math.tanh` calls per element in float64.
 *
 * sigmoid and tanh come from one exp: `t = n·ln2 + r` (Cody-Waite, |r| <= ln2/2), `e^r - 1` as r plus a
 * degree-7 Taylor polynomial (truncation below 6e-9), `2^n` built in the exponent bits. sigmoid(x) is
 * `1 / (1 + e^-|x|)` or `e^-|x| / (1 + e^-|x|)` by x's sign; tanh(x) is `-m / (2 + m)` with
 * `m = expm1(-2|x|)` (accurate near 0), x's sign copied. Both are within a few float32 ulps of the
 * float64 functions; NaN stays NaN, ±Infinity gives the limits, −0 and subnormals keep their value
 * (tanh) as PyTorch does. Arguments below −87 flush `e^t` to 0 (sigmoid(−88) is 0 here, 6e-39 in
 * float64: below float32's normal range).
 */
import { type Bytes, type FunctionSpec, I32, op, uleb, V128 } from './wasm-encoder.js';

const simd = (code: number): Bytes => [0xfd, ...uleb(code)];
const v = {
  abs: simd(0xe0),
  neg: simd(0xe1),
  nearest: simd(0x6a),
  truncSat: simd(0xf8),
  i32Splat: simd(0x11),
  i32Add: simd(0xae),
  i32Shl: simd(0xab),
  andnot: simd(0x4f),
  or: simd(0x50),
  bitselect: simd(0x52),
};

const LOG2E = Math.LOG2E;
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444e-4;
/** Below this, e^t is flushed to 0 (2^n must stay a normal float32). */
const FLUSH = -87;

/** Local indices of the scratch vectors the gate functions use, after `first`. */
function scratch(first: number) {
  return {
    x: first,
    a: first + 1,
    t: first + 2,
    n: first + 3,
    r: first + 4,
    q: first + 5,
    p: first + 6,
    e: first + 7,
  };
}
const SCRATCH = 8;

type Emit = (...xs: Bytes[]) => void;
const get = op.localGet;
const set = op.localSet;
const splat = (value: number): Bytes => [...op.f32Const(value), ...op.f32x4Splat];

/** From `t` (clamped, <= 0): n, r, q = e^r - 1 and p = 2^n. */
function expParts(e: Emit, s: ReturnType<typeof scratch>): void {
  e(get(s.t), splat(LOG2E), op.f32x4Mul, v.nearest, set(s.n));
  e(get(s.t), get(s.n), splat(LN2_HI), op.f32x4Mul, op.f32x4Sub);
  e(get(s.n), splat(LN2_LO), op.f32x4Mul, op.f32x4Sub, set(s.r));
  e(get(s.r), splat(1 / 5040), op.f32x4Mul, splat(1 / 720), op.f32x4Add);
  for (const c of [1 / 120, 1 / 24, 1 / 6, 0.5]) e(get(s.r), op.f32x4Mul, splat(c), op.f32x4Add);
  e(get(s.r), get(s.r), op.f32x4Mul, op.f32x4Mul, get(s.r), op.f32x4Add, set(s.q));
  e(get(s.n), v.truncSat, op.i32Const(127), v.i32Splat, v.i32Add, op.i32Const(23), v.i32Shl, set(s.p));
}

/** Leaves sigmoid(local x) on the stack. */
function sigmoid(e: Emit, s: ReturnType<typeof scratch>): void {
  e(get(s.x), v.abs, v.neg, set(s.a));
  e(get(s.a), splat(FLUSH), op.f32x4Max, set(s.t));
  expParts(e, s);
  // e^-|x| = p·(1 + q), flushed below FLUSH (NaN kept: its comparison is false).
  e(get(s.p), get(s.p), get(s.q), op.f32x4Mul, op.f32x4Add);
  e(get(s.a), splat(FLUSH), op.f32x4Lt, v.andnot, set(s.e));
  // (x >= 0 ? 1 : e) / (1 + e): one division.
  e(splat(1), get(s.e), get(s.x), op.v128Zero, op.f32x4Ge, v.bitselect);
  e(splat(1), get(s.e), op.f32x4Add, op.f32x4Div);
}

/** Leaves tanh(local x) on the stack. */
function tanh(e: Emit, s: ReturnType<typeof scratch>): void {
  e(get(s.x), v.abs, splat(-2), op.f32x4Mul, splat(FLUSH), op.f32x4Max, set(s.t));
  expParts(e, s);
  // m = expm1(t) = p·q + (p - 1); tanh|x| = -m / (2 + m) >= 0; then x's sign bit.
  e(get(s.p), get(s.q), op.f32x4Mul, get(s.p), splat(1), op.f32x4Sub, op.f32x4Add, set(s.e));
  e(get(s.e), v.neg, splat(2), get(s.e), op.f32x4Add, op.f32x4Div);
  e(get(s.x), splat(-0), op.v128And, v.or);
}

/** A loop over the row's columns, four at a time: `body` sees the byte offset in local `j`. */
function rowFunction(
  name: string,
  params: number,
  hidden: number,
  vectors: number,
  body: (e: Emit, at: (p: number, col?: number) => Bytes, s: ReturnType<typeof scratch>) => void,
): FunctionSpec {
  const j = params;
  const b: Bytes = [];
  const e: Emit = (...xs) => {
    for (const x of xs) b.push(...x);
  };
  const s = scratch(params + 1 + vectors);
  /** Address of param pointer `p` at column j + col·hidden (the offset goes in the memarg). */
  const at = (p: number) => [...get(p), ...get(j), ...op.i32Add];
  e(op.i32Const(0), set(j), op.loop);
  body(e, at, s);
  e(
    get(j),
    op.i32Const(16),
    op.i32Add,
    op.localTee(j),
    op.i32Const(hidden * 4),
    op.i32LtU,
    op.brIf(0),
    op.end,
  );
  return {
    name,
    params: new Array<number>(params).fill(I32),
    locals: [
      [1, I32],
      [vectors + SCRATCH, V128],
    ],
    body: b,
  };
}

/** The rows' exports (lstmForwardFunction, lstmBackwardFunction), at heap addresses. */
export interface LstmRows {
  forward(pProj: number, pRec: number, pCPrev: number, pOut: number, pHCur: number): void;
  backward(
    pTraj: number,
    pCPrev: number,
    pDOut: number,
    pDh: number,
    pDc: number,
    pDzRow: number,
    pDzStep: number,
  ): void;
}

/**
 * `forward(pProj, pRec, pCPrev, pOut, pHCur)`: one row of the kit's LstmForwardRow; pOut is the
 * trajectory row (h, c, then z's four blocks).
 */
export function lstmForwardFunction(hidden: number): FunctionSpec {
  const P = { proj: 0, rec: 1, cPrev: 2, out: 3, hCur: 4 };
  const V = { zi: 6, zf: 7, zg: 8, zo: 9, c: 10 };
  const H = hidden * 4;
  return rowFunction('forward', 5, hidden, 5, (e, at, s) => {
    [V.zi, V.zf, V.zg, V.zo].forEach((z, g) => {
      e(at(P.proj), op.v128Load(g * H), at(P.rec), op.v128Load(g * H), op.f32x4Add, set(z));
      e(at(P.out), get(z), op.v128Store((2 + g) * H));
    });
    // c' = σ(f)·c + σ(i)·tanh(g)
    e(get(V.zf), set(s.x));
    sigmoid(e, s);
    e(at(P.cPrev), op.v128Load(0), op.f32x4Mul, set(V.c));
    e(get(V.zg), set(s.x));
    tanh(e, s);
    e(set(V.zg), get(V.zi), set(s.x));
    sigmoid(e, s);
    e(get(V.zg), op.f32x4Mul, get(V.c), op.f32x4Add, set(V.c));
    e(at(P.out), get(V.c), op.v128Store(H));
    // h' = σ(o)·tanh(c')
    e(get(V.c), set(s.x));
    tanh(e, s);
    e(set(V.c), get(V.zo), set(s.x));
    sigmoid(e, s);
    e(get(V.c), op.f32x4Mul, set(V.c));
    e(at(P.out), get(V.c), op.v128Store(0), at(P.hCur), get(V.c), op.v128Store(0));
  });
}

/**
 * `backward(pTraj, pCPrev, pDOut, pDh, pDc, pDzRow, pDzStep)`: one row of the kit's LstmBackwardRow;
 * pTraj and pDOut are the trajectory row and its gradient's row (h, c, z blocks).
 */
export function lstmBackwardFunction(hidden: number): FunctionSpec {
  const P = { traj: 0, cPrev: 1, dOut: 2, dh: 3, dc: 4, dzRow: 5, dzStep: 6 };
  const V = { i: 8, f: 9, g: 10, o: 11, tc: 12, dh: 13, dc: 14, dz: 15 };
  const H = hidden * 4;
  return rowFunction('backward', 7, hidden, 8, (e, at, s) => {
    const gate = (dst: number, block: number, fn: typeof sigmoid) => {
      e(at(P.traj), op.v128Load((2 + block) * H), set(s.x));
      fn(e, s);
      e(set(dst));
    };
    gate(V.i, 0, sigmoid);
    gate(V.f, 1, sigmoid);
    gate(V.g, 2, tanh);
    gate(V.o, 3, sigmoid);
    e(at(P.traj), op.v128Load(H), set(s.x));
    tanh(e, s);
    e(set(V.tc));
    const one = splat(1);
    // dh = dOut_h + dh_rec; dc = (dOut_c + dc_carry) + dh·o·(1 - tc²)
    e(at(P.dOut), op.v128Load(0), at(P.dh), op.v128Load(0), op.f32x4Add, set(V.dh));
    e(at(P.dOut), op.v128Load(H), at(P.dc), op.v128Load(0), op.f32x4Add);
    e(get(V.dh), get(V.o), op.f32x4Mul, one, get(V.tc), get(V.tc), op.f32x4Mul, op.f32x4Sub, op.f32x4Mul);
    e(op.f32x4Add, set(V.dc));
    const store = (block: number) => {
      e(at(P.dzRow), get(V.dz), op.v128Store(block * H), at(P.dzStep), get(V.dz), op.v128Store(block * H));
    };
    // dz_i = dc·g·(i·(1 - i))
    e(get(V.dc), get(V.g), op.f32x4Mul, get(V.i), one, get(V.i), op.f32x4Sub, op.f32x4Mul, op.f32x4Mul);
    e(set(V.dz));
    store(0);
    // dz_f = dc·c_{t-1}·(f·(1 - f))
    e(get(V.dc), at(P.cPrev), op.v128Load(0), op.f32x4Mul, get(V.f), one, get(V.f), op.f32x4Sub);
    e(op.f32x4Mul, op.f32x4Mul, set(V.dz));
    store(1);
    // dz_g = dc·i·(1 - g²)
    e(get(V.dc), get(V.i), op.f32x4Mul, one, get(V.g), get(V.g), op.f32x4Mul, op.f32x4Sub, op.f32x4Mul);
    e(set(V.dz));
    store(2);
    // dz_o = dh·tc·(o·(1 - o))
    e(get(V.dh), get(V.tc), op.f32x4Mul, get(V.o), one, get(V.o), op.f32x4Sub, op.f32x4Mul, op.f32x4Mul);
    e(set(V.dz));
    store(3);
    // the carried dc = dc·f
    e(at(P.dc), get(V.dc), get(V.f), op.f32x4Mul, op.v128Store(0));
  });
}
