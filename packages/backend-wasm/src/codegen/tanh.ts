/**
 * float32 tanh emitted as WebAssembly SIMD, four lanes at a time (the module's tanh is scalar libm,
 * about 12 ms per million elements). |x| < 0.55: the odd Taylor series to x^15 (the next term is below
 * an ulp there); otherwise (1 − u) / (1 + u) with u = e^(−2|x|) (|x| clamped to 9.5, where tanh is 1
 * in float32), e^z as 2^n · e^r, r = z − n·ln 2 in two parts, e^r by its series to r^7; the sign of x
 * is put back. Within a few ulps of tanh; −0, subnormals (x itself), ±Infinity (±1) and NaN as PyTorch.
 * f(pa, _, pout, n): n a multiple of 4 (the kernel runs a tail of fewer through a padded copy).
 */
import { type Bytes, type FunctionSpec, I32, op, V128 } from './wasm-encoder.js';

const P = { pa: 0, pout: 2, n: 3 };
const L = { i: 4, end: 5, x: 6, a: 7, s: 8, small: 9, n: 10, r: 11, p: 12 };

const splat = (v: number): Bytes => [...op.f32Const(v), ...op.f32x4Splat];
const get = (l: number) => op.localGet(l);

/** tanh's series x · (1 + s·Q(s)), s = x², Q's coefficients from s^0 up (−1/3, 2/15, …). */
const TANH_SERIES = [
  -1 / 3,
  2 / 15,
  -17 / 315,
  62 / 2835,
  -1382 / 155925,
  21844 / 6081075,
  -929569 / 638512875,
];
/** e^r = 1 + r + r²/2! + … + r^7/7!, Horner from the top. */
const EXP_SERIES = [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040];
const LN2_HI = 0.693145751953125; // ln 2 to 16 bits: n · LN2_HI is exact for the n here
const LN2_LO = 1.428606765330187e-6;

/** Horner in `v` of `coeffs` (lowest first), leaving the f32x4 on the stack. */
function horner(v: number, coeffs: readonly number[]): Bytes {
  const b: Bytes = [...splat(coeffs[coeffs.length - 1])];
  for (let i = coeffs.length - 2; i >= 0; i--)
    b.push(...get(v), ...op.f32x4Mul, ...splat(coeffs[i]), ...op.f32x4Add);
  return b;
}

export function tanhFunction(): FunctionSpec {
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  e(get(P.n), op.i32Const(2), op.i32Shl, op.localSet(L.end), op.i32Const(0), op.localSet(L.i));
  e(op.block, get(L.i), get(L.end), op.i32GeU, op.brIf(0), op.loop);
  e(get(P.pa), get(L.i), op.i32Add, op.v128Load(0), op.localSet(L.x));
  // Small |x|: x · (1 + s·Q(s)), a product so that −0 stays −0.
  e(get(L.x), get(L.x), op.f32x4Mul, op.localSet(L.s));
  e(get(L.x), splat(1), get(L.s), horner(L.s, TANH_SERIES), op.f32x4Mul, op.f32x4Add, op.f32x4Mul);
  e(op.localSet(L.small));
  // Large |x|: z = −2·min(|x|, 9.5); n = nearest(z / ln 2); r = z − n·ln 2.
  e(get(L.x), op.f32x4Abs, splat(9.5), op.f32x4Min, splat(-2), op.f32x4Mul, op.localSet(L.a));
  e(get(L.a), splat(Math.LOG2E), op.f32x4Mul, op.f32x4Nearest, op.localSet(L.n));
  e(get(L.a), get(L.n), splat(LN2_HI), op.f32x4Mul, op.f32x4Sub);
  e(get(L.n), splat(LN2_LO), op.f32x4Mul, op.f32x4Sub, op.localSet(L.r));
  // u = e^r · 2^n, 2^n built from its exponent bits.
  e(horner(L.r, EXP_SERIES));
  e(get(L.n), op.i32x4TruncSatF32x4S, op.i32Const(127), op.i32x4Splat, op.i32x4Add, op.i32Const(23));
  e(op.i32x4Shl, op.f32x4Mul, op.localSet(L.p));
  // (1 − u) / (1 + u), with x's sign bit.
  e(splat(1), get(L.p), op.f32x4Sub, splat(1), get(L.p), op.f32x4Add, op.f32x4Div);
  e(get(L.x), op.i32Const(-0x80000000), op.i32x4Splat, op.v128And, op.v128Or);
  // Pick by |x| < 0.55 (false for NaN: the large path keeps it NaN).
  e(op.localSet(L.p), get(P.pout), get(L.i), op.i32Add);
  e(get(L.small), get(L.p), get(L.x), op.f32x4Abs, splat(0.55), op.f32x4Lt, op.v128Bitselect);
  e(op.v128Store(0));
  e(get(L.i), op.i32Const(16), op.i32Add, op.localTee(L.i), get(L.end), op.i32LtU, op.brIf(0));
  e(op.end, op.end);
  return {
    name: 'tanh',
    params: [I32, I32, I32, I32],
    locals: [
      [2, I32],
      [7, V128],
    ],
    body: b,
  };
}
