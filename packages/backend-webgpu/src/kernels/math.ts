/**
 * WGSL for the elementwise math, written for PyTorch's special values rather than WGSL's defaults:
 * NaN propagates through maximum/minimum, `pow` follows IEEE `pown`/`powr` cases, tanh/expm1/log1p stay
 * accurate near 0, erf uses W. J. Cody's rational approximations (the same as backend-cpu).
 */
import type { ArithmeticOp, BinaryOp, FusedActivation, UnaryOp } from '@dendrite/core';
import { EXACT_FNS } from './exact.js';

export const MATH_FNS = /* wgsl */ `${EXACT_FNS}
fn tanh_f(x: f32) -> f32 {
  let a = abs(x);
  // tanh(x) = x to float precision: returned as is, so -0 and subnormals keep their bits (the
  // polynomial gives +0 for -0, and flushing arithmetic 0 for a subnormal).
  if (a < 1e-4) { return x; }
  if (a < 0.625) {
    let z = x * x;
    return x + x * z * (-0.33333334 + z * (0.13333334 + z * (-0.053968254 + z * (0.021869488 + z * (-0.008863236 + z * 0.0035921280)))));
  }
  if (a > 9.1) { return select(-1.0, 1.0, x > 0.0); }
  let e = exp_f(-2.0 * a);
  let t = (1.0 - e) / (1.0 + e);
  return select(-t, t, x > 0.0);
}
fn sigmoid_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}
fn expm1_f(x: f32) -> f32 {
  // expm1(x) = x to float precision (kept bit for bit: -0, subnormals).
  if (is_nan(x) || abs(x) < 1e-10) { return x; }
  if (abs(x) < 1e-5) { return x + 0.5 * x * x; }
  if (abs(x) < 0.5) {
    // Taylor series to x^9: relative error < 1e-8 on |x| < 0.5.
    return x * (1.0 + x * (0.5 + x * (0.16666667 + x * (0.041666668 + x * (0.008333334 + x * (0.0013888889 + x * (0.0001984127 + x * (0.0000248016 + x * 0.0000027557))))))));
  }
  return exp(x) - 1.0;
}
fn log1p_f(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  if (is_nan(x) || x == pos_inf()) { return x; }
  if (abs(x) < 0.25) {
    // log(u) * x / (u - 1) cancels the rounding of 1 + x (Goldberg's trick).
    return log(u) * (x / (u - 1.0));
  }
  return log(u);
}
fn erf_f(xin: f32) -> f32 {
  let x = xin;
  let y = abs(x);
  if (is_nan(x)) { return x; }
  if (y <= 0.46875) {
    let z = y * y;
    var num = 0.18577770618460315 * z;
    var den = z;
    num = (num + 3.1611237438705655) * z; den = (den + 23.601290952344122) * z;
    num = (num + 113.86415415105016) * z; den = (den + 244.02463793444417) * z;
    num = (num + 377.485237685302) * z; den = (den + 1282.6165260773723) * z;
    return x * (num + 3209.3775891384694) / (den + 2844.236833439171);
  }
  var erfc = 0.0;
  if (y <= 4.0) {
    var num = 2.1531153547440383e-8 * y;
    var den = y;
    num = (num + 0.5641884969886701) * y; den = (den + 15.744926110709835) * y;
    num = (num + 8.883149794388377) * y; den = (den + 117.6939508913125) * y;
    num = (num + 66.11919063714163) * y; den = (den + 537.1811018620099) * y;
    num = (num + 298.6351381974001) * y; den = (den + 1621.3895745666903) * y;
    num = (num + 881.952221241769) * y; den = (den + 3290.799235733483) * y;
    num = (num + 1712.0476126340707) * y; den = (den + 4362.619090143247) * y;
    num = (num + 2051.0783778260716) * y; den = (den + 3439.3676741437216) * y;
    erfc = (num + 1230.3393547979972) / (den + 1230.3393548037495) * exp(-y * y);
  } else if (y < 6.0) {
    let z = 1.0 / (y * y);
    var num = 0.016315387137302097 * z;
    var den = z;
    num = (num + 0.30532663496123236) * z; den = (den + 2.568520192289822) * z;
    num = (num + 0.36034489994980445) * z; den = (den + 1.8729528499234604) * z;
    num = (num + 0.12578172611122926) * z; den = (den + 0.5279051029514285) * z;
    num = (num + 0.016083785148742275) * z; den = (den + 0.06051834131244132) * z;
    let r = z * (num + 0.0006587491615298378) / (den + 0.0023352049762686918);
    erfc = (0.5641895835477563 - r) / y * exp(-y * y);
  }
  return select(1.0 - erfc, erfc - 1.0, x < 0.0);
}
// m = f · 2^e with f in [sqrt(1/2), sqrt(2)), taken apart on the bits (subnormal m too, also where the
// adapter's arithmetic flushes them). Returns (f, e).
fn split_exponent(m: f32) -> vec2<f32> {
  let bits = bitcast<u32>(m);
  var e = i32(bits >> 23u) - 127;
  var mant = bits & 0x7fffffu;
  if ((bits >> 23u) == 0u) {
    let top = 31u - countLeadingZeros(mant); // m = 1.xxx · 2^(top - 149)
    mant = (mant << (23u - top)) & 0x7fffffu;
    e = i32(top) - 149;
  }
  if (mant > 0x3504f3u) { return vec2<f32>(bitcast<f32>(mant | 0x3f000000u), f32(e + 1)); }
  return vec2<f32>(bitcast<f32>(mant | 0x3f800000u), f32(e));
}
// ln f for f in [sqrt(1/2), sqrt(2)) in two floats: 2·atanh(s), s = (f - 1) / (f + 1) with the quotient's
// residual kept; |s| <= 0.172, so the series' terms past s^13 are below 1e-10 of it.
fn ln_near_one(f: f32) -> vec2<f32> {
  let num = f - 1.0; // exact (Sterbenz)
  let den = two_sum(f, 1.0);
  let s = num / den.x;
  let p = two_prod(s, den.x);
  let s_lo = (((num - p.x) - p.y) - s * den.y) / den.x;
  let z = s * s;
  let tail = 2.0 * s * z * (0.33333334 + z * (0.2 + z * (0.14285715 + z * (0.11111111 + z * (0.09090909 + z * 0.07692308)))));
  return fast_two_sum(2.0 * s, 2.0 * s_lo + tail);
}
// 2^k for an integer k in [-126, 127], from its bits.
fn exp2_int(k: i32) -> f32 { return bitcast<f32>(u32(k + 127) << 23u); }
// m^b for finite m > 0 and finite b != 0: 2^(b · log2 m) with log2 m and the product carried in two floats,
// then 2^n · 2^r (n integer, |r| <= 1/2, 2^r by its Taylor series): a few ulp, where the adapter's
// exp2(b * log2(m)) may be far off (WGSL lets log2 have an absolute error of 2^-21 near 1; SwiftShader's
// results were 1e-2 off).
fn pow_pos(m: f32, b: f32) -> f32 {
  let fe = split_exponent(m);
  let l = ln_near_one(fe.x);
  // log2 e = 1.44269502162933349609375 (float32) + 1.925962989e-8
  let q = two_prod(l.x, 1.44269502162933349609375);
  let lg = two_sum(fe.y, q.x); // e + ln(f)·log2(e), e exact
  let log2m = fast_two_sum(lg.x, lg.y + (q.y + (l.x * 1.925962989e-8 + l.y * 1.44269502162933349609375)));
  let t = two_prod(b, log2m.x);
  if (t.x > 250.0) { return pos_inf(); }
  if (t.x < -250.0) { return 0.0; } // so that n / 2 below stays in [-126, 127]
  let n = round(t.x);
  let z = ((t.x - n) + (t.y + b * log2m.y)) * 0.693147182464599609375; // r · ln 2, |z| <= 0.35
  let er = 1.0 + z * (1.0 + z * (0.5 + z * (0.16666667 + z * (0.041666668 + z * (0.008333334 + z * (0.0013888889 + z * (0.0001984127 + z * 0.0000248016)))))));
  // 2^n in two factors, each a normal power of two: overflow gives inf, underflow rounds once.
  let n1 = i32(n) / 2;
  return er * exp2_int(n1) * exp2_int(i32(n) - n1);
}
// IEEE / C99 pow, as backend-cpu's powC.
fn pow_f(a: f32, b: f32) -> f32 {
  let binf = abs(b) == pos_inf();
  // C99 / PyTorch: pow(1, y) = 1 and pow(-1, ±Inf) = 1 for every y, NaN included.
  if (is_zero(b) || a == 1.0 || (a == -1.0 && binf)) { return 1.0; }
  if (is_nan(a) || is_nan(b)) { return nan_f32(); }
  // Integer exponent? A nonzero |b| < 1 never is (tested apart: a subnormal b may compare equal to 0).
  let ib = binf || (abs(b) >= 1.0 && b == floor(b));
  let odd = ib && !binf && abs(b) < 16777216.0 && (i32(abs(b)) & 1) == 1;
  let neg = bitcast<i32>(a) < 0;
  let bpos = bitcast<i32>(b) > 0; // on the bits: a subnormal b is positive even where it flushes
  let m = abs(a);
  var r: f32;
  if (m == pos_inf()) { r = select(0.0, pos_inf(), bpos); }
  else if (is_zero(m)) { r = select(pos_inf(), 0.0, bpos); }
  else if (neg && !ib) { return nan_f32(); }
  else if (binf) { r = select(select(0.0, pos_inf(), bpos), select(pos_inf(), 0.0, bpos), m < 1.0); }
  else if (b == 1.0) { r = m; }
  // Small positive integer powers by multiplication, at most 1.5 ulp (PyTorch multiplies too).
  else if (b == 2.0) { r = m * m; }
  else if (b == 3.0) { r = m * m * m; }
  else if (b == 4.0) { let s = m * m; r = s * s; }
  else { r = pow_pos(m, b); }
  return select(r, -r, odd && neg);
}
// sin and cos reduced to [-pi/4, pi/4] (Cody-Waite, pi/2 in two parts) and Taylor polynomials: about
// 1 ulp there; adapters' built-ins can be 1e-4 off (SwiftShader). Beyond 1e5 the built-ins are used.
fn sincos_f(x: f32, want_cos: bool) -> f32 {
  if (is_nan(x) || abs(x) == pos_inf()) { return nan_f32(); }
  if (abs(x) > 1e5) { return select(sin(x), cos(x), want_cos); }
  // sin(x) = x to float precision (kept bit for bit: -0, subnormals); the reduction would give +0.
  if (!want_cos && abs(x) < 1e-4) { return x; }
  let q = round(x * 0.63661975);
  let r = (x - q * 1.5707963705062866) - q * (-4.371139000186243e-8);
  let z = r * r;
  let s = r + r * z * (-0.16666667 + z * (0.008333334 + z * (-0.0001984127 + z * 0.0000027557319)));
  let c = 1.0 - 0.5 * z + z * z * (0.041666668 + z * (-0.0013888889 + z * (0.0000248016 - z * 0.00000027557319)));
  let k = (i32(q) + select(0, 1, want_cos)) & 3;
  if (k == 0) { return s; }
  if (k == 1) { return c; }
  if (k == 2) { return -s; }
  return -c;
}
fn pow_i(a: i32, b: i32) -> i32 {
  if (b < 0) { if (a == 1) { return 1; } if (a == -1) { return select(-1, 1, (b & 1) == 0); } return 0; }
  var r = 1; var base = a; var e = b;
  loop { if (e == 0) { break; } if ((e & 1) == 1) { r = r * base; } base = base * base; e = e >> 1u; }
  return r;
}
// Subnormals taken apart on the bits (m · 2^-149, m exact), for adapters whose arithmetic flushes them.
fn is_sub(x: f32) -> bool { let b = bitcast<u32>(x) & 0x7fffffffu; return b != 0u && b < 0x00800000u; }
fn sub_mant(x: f32) -> f32 { let b = bitcast<u32>(x); let m = f32(b & 0x7fffffu); return select(m, -m, (b & 0x80000000u) != 0u); }
fn div_f(a: f32, b: f32) -> f32 {
  let sa = is_sub(a);
  let sb = is_sub(b);
  if (!sa && !sb) { return a / b; }
  if (sa && sb) { return sub_mant(a) / sub_mant(b); }
  // Scaled so that the quotient stays normal: a / (m · 2^-149) = (a · 2^23 / m) · 2^126.
  if (sb) { return (a * 8388608.0 / sub_mant(b)) * 8.507059e37; }
  // (m · 2^-149) / b = (m · 2^-23 / b) · 2^-126
  return (sub_mant(a) * 1.1920929e-7 / b) * 1.1754944e-38;
}
fn log_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (is_zero(x)) { return neg_inf(); }
  if (bitcast<i32>(x) < 0) { return nan_f32(); }
  if (is_sub(x)) { return log(sub_mant(x)) - 103.27893; } // 149 ln 2
  return log(x);
}
fn sqrt_f(x: f32) -> f32 {
  if (is_nan(x) || is_zero(x)) { return x; }
  if (bitcast<i32>(x) < 0) { return nan_f32(); }
  if (is_sub(x)) { return sqrt(2.0 * sub_mant(x)) * 2.646978e-23; } // sqrt(2m) · 2^-75
  return sqrt(x);
}
fn rsqrt_f(x: f32) -> f32 {
  if (is_zero(x)) { return select(pos_inf(), neg_inf(), bitcast<i32>(x) < 0); }
  return 1.0 / sqrt_f(x);
}
fn max_f(a: f32, b: f32) -> f32 { if (is_nan(a) || is_nan(b)) { return nan_f32(); } return select(a, b, f_lt(a, b)); }
fn min_f(a: f32, b: f32) -> f32 { if (is_nan(a) || is_nan(b)) { return nan_f32(); } return select(a, b, f_lt(b, a)); }
fn div_i(a: i32, b: i32) -> i32 { if (b == 0) { return 0; } if (b == -1) { return -a; } return a / b; }
`;

/** `x` (type `t`) -> expression. */
export function unaryExpr(op: UnaryOp, t: 'f32' | 'i32' | 'u32'): string {
  const zero = t === 'f32' ? '0.0' : '0';
  switch (op) {
    case 'neg':
      return '-x';
    case 'abs':
      return 'abs(x)';
    case 'exp':
      return 'exp_f(x)';
    case 'log':
      return 'log_f(x)';
    case 'sqrt':
      return 'sqrt_f(x)';
    case 'rsqrt':
      return 'rsqrt_f(x)';
    case 'square':
      return 'x * x';
    case 'reciprocal':
      return 'div_f(1.0, x)';
    case 'sin':
      return 'sincos_f(x, false)';
    case 'cos':
      return 'sincos_f(x, true)';
    case 'tanh':
      return 'tanh_f(x)';
    case 'sigmoid':
      return 'sigmoid_f(x)';
    case 'relu':
      return t === 'f32' ? 'select(x, 0.0, f_lt(x, 0.0))' : `select(x, ${zero}, x < ${zero})`;
    case 'erf':
      return 'erf_f(x)';
    case 'sign':
      // On the bits: a subnormal is not zero even where arithmetic flushes it. -0 gives +0 (PyTorch).
      return t === 'f32'
        ? 'select(select(select(1.0, -1.0, bitcast<i32>(x) < 0), 0.0, is_zero(x)), x, is_nan(x))'
        : 'sign(x)';
    // A subnormal, on the bits (arithmetic may flush it to ±0): floor(-s) = -1, ceil(s) = 1, ceil(-s) = -0
    // (its sign bit alone: a constant -0 is folded to +0).
    case 'floor':
      return t === 'f32' ? 'select(floor(x), select(0.0, -1.0, bitcast<i32>(x) < 0), is_sub(x))' : 'floor(x)';
    case 'ceil':
      return t === 'f32'
        ? 'select(ceil(x), select(1.0, bitcast<f32>(bitcast<u32>(x) & 0x80000000u), bitcast<i32>(x) < 0), is_sub(x))'
        : 'ceil(x)';
    case 'round':
      return 'round(x)';
    case 'expm1':
      return 'expm1_f(x)';
    case 'log1p':
      return 'select(select(log1p_f(x), neg_inf(), x == -1.0), nan_f32(), x < -1.0)';
    case 'logicalNot':
      return 'select(1u, 0u, x != 0u)';
  }
}

/** `a`, `b` (type `t`) -> expression of the result type. */
export function binaryExpr(op: BinaryOp, t: 'f32' | 'i32' | 'u32'): string {
  const f = t === 'f32';
  const cmp = (e: string) => `select(0u, 1u, ${e})`;
  if (f) {
    const fc: Partial<Record<BinaryOp, string>> = {
      equal: cmp('f_eq(a, b)'),
      notEqual: cmp('!f_eq(a, b)'),
      less: cmp('f_lt(a, b)'),
      lessEqual: cmp('f_lt(a, b) || f_eq(a, b)'),
      greater: cmp('f_lt(b, a)'),
      greaterEqual: cmp('f_lt(b, a) || f_eq(a, b)'),
    };
    if (fc[op]) return fc[op]!;
  }
  switch (op) {
    case 'add':
      return 'a + b';
    case 'sub':
      return 'a - b';
    case 'mul':
      return 'a * b';
    case 'div':
      return f ? 'div_f(a, b)' : 'div_i(a, b)';
    case 'pow':
      return f ? 'pow_f(a, b)' : 'pow_i(a, b)';
    case 'maximum':
      return f ? 'max_f(a, b)' : 'max(a, b)';
    case 'minimum':
      return f ? 'min_f(a, b)' : 'min(a, b)';
    case 'equal':
      return cmp('a == b');
    case 'notEqual':
      return cmp('a != b');
    case 'less':
      return cmp('a < b');
    case 'lessEqual':
      return cmp('a <= b');
    case 'greater':
      return cmp('a > b');
    case 'greaterEqual':
      return cmp('a >= b');
    case 'logicalAnd':
      return cmp('a != 0u && b != 0u');
    case 'logicalOr':
      return cmp('a != 0u || b != 0u');
    case 'logicalXor':
      return cmp('(a != 0u) != (b != 0u)');
  }
}

export function isArithmetic(op: BinaryOp): op is ArithmeticOp {
  return ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'].includes(op);
}

/** A fused activation applied to `v` (f32). */
export function activationExpr(act: FusedActivation, v: string): string {
  switch (act) {
    case 'linear':
      return v;
    case 'relu':
      return `select(${v}, 0.0, ${v} < 0.0)`;
    case 'relu6':
      return `select(min(max(${v}, 0.0), 6.0), ${v}, is_nan(${v}))`;
    case 'sigmoid':
      return `sigmoid_f(${v})`;
    case 'tanh':
      return `tanh_f(${v})`;
  }
}
