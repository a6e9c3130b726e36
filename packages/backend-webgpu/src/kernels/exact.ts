/**
 * WGSL error-free transformations: a float32 result together with its exact rounding error, so kernels
 * can carry a value in two floats (hi + lo, about 48 bits) where float32 alone loses too much (pow,
 * batch norm's folded scale and shift). WGSL rounds `+`, `-` and `*` correctly but lets `/`, `sqrt`,
 * `exp2` and `log2` be approximate; nothing here relies on those or on FMA. The product splits its
 * operands on the bits into 12-bit halves, so every partial product is exact and a compiler that
 * contracts `a * b + c` into an FMA changes nothing.
 */
export const EXACT_FNS = /* wgsl */ `
// s + e = a + b exactly (Knuth).
fn two_sum(a: f32, b: f32) -> vec2<f32> {
  let s = a + b;
  let bb = s - a;
  return vec2<f32>(s, (a - (s - bb)) + (b - bb));
}
// s + e = a + b exactly, for |a| >= |b| (Dekker): normalises a two-float value.
fn fast_two_sum(a: f32, b: f32) -> vec2<f32> {
  let s = a + b;
  return vec2<f32>(s, b - (s - a));
}
// The leading 12 bits of the significand; x - split_hi(x) holds the other 12.
fn split_hi(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) & 0xfffff000u); }
// p + e = a * b exactly (Dekker), for finite a * b away from overflow.
fn two_prod(a: f32, b: f32) -> vec2<f32> {
  let p = a * b;
  let ah = split_hi(a);
  let al = a - ah;
  let bh = split_hi(b);
  let bl = b - bh;
  return vec2<f32>(p, (((ah * bh - p) + ah * bl) + al * bh) + al * bl);
}
fn is_finite_f(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
// sqrt of the two-float w = w.x + w.y > 0: the adapter's sqrt, then one Newton step on the exact residual.
fn sqrt_df(w: vec2<f32>) -> vec2<f32> {
  let r = sqrt(w.x);
  let sq = two_prod(r, r);
  return fast_two_sum(r, (((w.x - sq.x) - sq.y) + w.y) / (2.0 * r));
}
// a / (d.x + d.y): the adapter's quotient, then its exact residual divided once more.
fn div_df(a: f32, d: vec2<f32>) -> vec2<f32> {
  let q = a / d.x;
  let p = two_prod(q, d.x);
  return fast_two_sum(q, (((a - p.x) - p.y) - q * d.y) / d.x);
}
`;
