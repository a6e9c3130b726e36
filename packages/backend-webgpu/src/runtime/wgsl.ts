/**
 * WGSL shared by the kernels: storage element types per dtype, IEEE special values (WGSL has no
 * literals for them) and a NaN test that no compiler can fold away (`x != x` may be).
 */
import type { DType } from '@dendrite/core';
import { type UniformField, uniformStruct } from './program.js';

/** How a dtype is stored: bool as u32 (WGSL storage has no 8-bit type). */
export function wgslType(dtype: DType): 'f32' | 'i32' | 'u32' {
  return dtype === 'float32' ? 'f32' : dtype === 'int32' ? 'i32' : 'u32';
}

export const WORKGROUP = 256;

export const PRELUDE = /* wgsl */ `
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
// Zero tests and ordering on the bits: exact on adapters that flush subnormals to zero (WGSL allows it).
fn is_zero(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0u; }
fn order_key(x: f32) -> i32 { let b = bitcast<i32>(x); return select(b, b ^ 0x7fffffff, b < 0); }
fn f_lt(a: f32, b: f32) -> bool { return !is_nan(a) && !is_nan(b) && !(is_zero(a) && is_zero(b)) && order_key(a) < order_key(b); }
fn f_eq(a: f32, b: f32) -> bool { return !is_nan(a) && !is_nan(b) && (bitcast<u32>(a) == bitcast<u32>(b) || (is_zero(a) && is_zero(b))); }
// exp with NaN kept (some adapters give inf for exp(NaN)).
fn exp_f(x: f32) -> f32 { return select(exp(x), x, is_nan(x)); }
// Through a var: a constant bitcast to a non-finite value is a compile error in WGSL.
fn pos_inf() -> f32 { var b = 0x7f800000u; return bitcast<f32>(b); }
fn neg_inf() -> f32 { var b = 0xff800000u; return bitcast<f32>(b); }
fn nan_f32() -> f32 { var b = 0x7fc00000u; return bitcast<f32>(b); }
`;

export interface Binding {
  readonly name: string;
  /** `vec4<f32>`: a float32 tensor read four elements at a time (vectorised GEMM loads). */
  readonly type: 'f32' | 'i32' | 'u32' | 'vec4<f32>';
  readonly write?: boolean;
  /** Declared atomic (accumulating kernels). */
  readonly atomic?: boolean;
}

/** Storage bindings 0…n-1 in order, then the uniforms at binding n. */
export function header(bindings: readonly Binding[], uniforms: readonly UniformField[]): string {
  const lines = bindings.map(
    (b, i) =>
      `@group(0) @binding(${i}) var<storage, ${b.write ? 'read_write' : 'read'}> ${b.name}: array<${b.atomic ? `atomic<${b.type}>` : b.type}>;`,
  );
  return `${PRELUDE}\n${uniformStruct(uniforms)}\n${lines.join('\n')}\n@group(0) @binding(${bindings.length}) var<uniform> u: Uniforms;\n`;
}

/** The flat thread index of a 1-D job spread over a 2-D grid (see `grid`). */
export const FLAT_INDEX = `let i = gid.x + gid.y * nwg.x * ${WORKGROUP}u;`;
export const MAIN_1D = `@compute @workgroup_size(${WORKGROUP})\nfn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {\n  ${FLAT_INDEX}`;
