/**
 * Elementwise unary ops, each on its fastest correct path (measured per million float32, 1 thread):
 * - XNNPACK (SIMD) kernels of the module: abs, neg, square, ceil, floor, round, relu, sigmoid — about 10×
 *   a TypeScript loop (neg 0.13 against 1.4 ms; sigmoid 1.1 against 9.8 ms);
 * - the module's scalar C loops (libm in float), where they beat V8: log 4.1 / 8.5 ms, sqrt 1.4 / 2.6,
 *   rsqrt 2.4 / 3.9, reciprocal 0.85 / 1.4, log1p 4.3 / 9.4, erf 6.4 / 44, exp 7.3 / 8.6, expm1 7.3 /
 *   9.3 (C / TypeScript);
 * - tanh: an emitted SIMD pass (codegen/tanh.ts) where the emitted kernels load, else the module's C
 *   (12.2 against 15.0 ms in TypeScript);
 * - the kit's loops: sin and cos (6.2 against 14.5 ms in C), sign (the module's Sign zeroes |x| < FLT_EPSILON),
 *   int32 and bool ops.
 */
import { hasNaNOrNegativeZero, type UnaryOp } from '@dendrite/core';
import * as kit from '@dendrite/core/kit';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';

/** float32 ops run by a compiled kernel (name of the export). */
const COMPILED_UNARY: Partial<Record<UnaryOp, string>> = {
  abs: 'Abs',
  neg: 'Neg',
  square: 'Square',
  ceil: 'Ceil',
  floor: 'Floor',
  round: 'Round',
  sigmoid: 'Sigmoid',
  // XNNPACK's Relu zeroes a NaN whose sign bit is set (what Inf - Inf gives) and -0 (PyTorch keeps it):
  // inputs holding either take the kit's loop (see unaryKernel).
  relu: 'Relu',
  exp: 'Exp',
  log: 'Log',
  sqrt: 'Sqrt',
  rsqrt: 'Rsqrt',
  tanh: 'Tanh',
  erf: 'Erf',
  expm1: 'Expm1',
  // The module's Log1p gives +0 at -0 (PyTorch keeps -0): such inputs take the kit's loop too.
  log1p: 'Log1p',
  reciprocal: 'Reciprocal',
};

const F32 = 0;

export function unaryKernel(k: KernelScope, op: UnaryOp, x: WasmData, out: WasmData): void {
  if (out.size === 0) return;
  if (op === 'tanh' && x.dtype === 'float32' && k.instance.emitted) {
    emittedTanh(k, x, out);
    return;
  }
  const compiled = x.dtype === 'float32' ? COMPILED_UNARY[op] : undefined;
  if (compiled && !((op === 'relu' || op === 'log1p') && hasNaNOrNegativeZero(k.f32(x)))) {
    if (op === 'sigmoid') k.callSized(out.size, compiled, x.cid, out.cid);
    else k.callSized(out.size, compiled, x.cid, F32, out.cid);
    return;
  }
  kit.unary(op, k.view(x), k.view(out));
}

/** tanh on the emitted SIMD pass (codegen/tanh.ts): whole vectors in place, a tail of 1-3 through a padded copy. */
function emittedTanh(k: KernelScope, x: WasmData, out: WasmData): void {
  const pass = k.instance.emitted!.elementwise().tanh;
  const whole = out.size & ~3;
  if (whole > 0) pass(x.ptr, 0, out.ptr, whole);
  const tail = out.size - whole;
  if (tail === 0) return;
  const t = k.temp('float32', 4);
  const tv = k.f32(t);
  tv.fill(0);
  tv.set(k.f32(x).subarray(whole));
  pass(t.ptr, 0, t.ptr, 4);
  k.f32(out).set(tv.subarray(0, tail), whole);
}
