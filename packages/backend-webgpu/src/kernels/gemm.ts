/**
 * The GEMM template behind matmul and the convolutions (implicit GEMM): a kernel supplies
 * `loadA(m, k)`, `loadB(k, n)` and `store(m, n, v)` for the current batch (set up once per invocation
 * in `setup`), so im2col addressing and transposed operands live in the loads and bias / activation in
 * the store; nothing is materialised.
 *
 * Variants, chosen by shape:
 * - `tiled`: a 64×64 output tile per workgroup of 16×16 threads, K in steps of 16 through workgroup
 *   memory; each thread accumulates 4×4 outputs in registers (rows `ty + 16r`, columns `tx + 16c`, so
 *   workgroup-memory reads are consecutive across a warp and global writes coalesce). Tile loads follow
 *   the operand's contiguous axis (`aKFast`, `bNFast`) so neighbouring threads read neighbouring words.
 * - `small`: one output per thread, for products too small or too thin (M or N under 32) to fill tiles.
 */
import type { Program, UniformField } from '../runtime/program.js';
import { type Binding, header, WORKGROUP } from '../runtime/wgsl.js';

export interface GemmSpec {
  /** Names everything the WGSL depends on except the variant. */
  readonly key: string;
  readonly bindings: readonly Binding[];
  /** Extra uniforms (M, N, K and batches are added). */
  readonly uniforms: readonly UniformField[];
  readonly values: Readonly<Record<string, number | readonly number[]>>;
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly batches: number;
  /** WGSL helpers: `fn loadA(m: u32, k: u32) -> f32`, `fn loadB(k: u32, n: u32) -> f32`, `fn store(m: u32, n: u32, v: f32)`. */
  readonly functions: string;
  /** WGSL run first in `main` with `batch: u32` in scope (sets module-private batch offsets). */
  readonly setup: string;
  readonly aKFast: boolean;
  readonly bNFast: boolean;
  /**
   * `loadA` may return `absent()` for a term that does not exist (a transposed convolution's taps that no
   * output reaches): it is skipped, not multiplied as 0, so an infinite weight there makes no NaN.
   */
  readonly maskA?: boolean;
  /**
   * Vectorised tile loads: `fn loadA4(m, k) -> vec4<f32>` (k a multiple of 4; needs aKFast and K % 4 == 0)
   * and `fn loadB4(k, n) -> vec4<f32>` (n a multiple of 4; needs bNFast and N % 4 == 0): one 16-byte load
   * per thread and tile instead of four.
   */
  readonly vec4A?: boolean;
  readonly vec4B?: boolean;
}

/** The marker of an absent term: a quiet NaN with a payload no arithmetic produces. */
export const ABSENT = /* wgsl */ `
fn absent() -> f32 { var b = 0x7fc0bad0u; return bitcast<f32>(b); }
fn term(a: f32, b: f32) -> f32 { return select(a * b, 0.0, bitcast<u32>(a) == 0x7fc0bad0u); }`;

const GEMM_UNIFORMS: UniformField[] = [
  { name: 'M', kind: 'u32' },
  { name: 'N', kind: 'u32' },
  { name: 'K', kind: 'u32' },
  { name: 'batches', kind: 'u32' },
];

export type GemmVariant = 'tiled' | 'small';

export function chooseGemm(M: number, N: number): GemmVariant {
  return M >= 32 && N >= 32 ? 'tiled' : 'small';
}

export function gemmProgram(spec: GemmSpec, variant: GemmVariant = chooseGemm(spec.M, spec.N)): Program {
  const uniforms = [...GEMM_UNIFORMS, ...spec.uniforms];
  const values = { ...spec.values, M: spec.M, N: spec.N, K: spec.K, batches: spec.batches };
  const head = `${header(spec.bindings, uniforms)}\n${spec.maskA ? ABSENT : ''}\n${spec.functions}`;
  const mul = (a: string, b: string) => (spec.maskA ? `term(${a}, ${b})` : `${a} * ${b}`);
  if (variant === 'small') {
    const threads = spec.M * spec.N;
    const x = Math.ceil(threads / WORKGROUP);
    return {
      key: `${spec.key}:small${spec.maskA ? ':mask' : ''}`,
      uniforms,
      values,
      workgroups: [Math.min(x, 65535), Math.ceil(x / 65535), spec.batches],
      source: () => `${head}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * ${WORKGROUP}u;
  let batch = gid.z;
  if (i >= u.M * u.N) { return; }
  ${spec.setup}
  let m = i / u.N;
  let n = i % u.N;
  var acc = 0.0;
  for (var k = 0u; k < u.K; k++) { acc += ${mul('loadA(m, k)', 'loadB(k, n)')}; }
  store(m, n, acc);
}`,
    };
  }
  const aMap = spec.aKFast ? 'let am = e / 16u; let ak = e % 16u;' : 'let am = e % 64u; let ak = e / 64u;';
  const bMap = spec.bNFast ? 'let bk = e / 64u; let bn = e % 64u;' : 'let bk = e % 16u; let bn = e / 16u;';
  // 64×16 A values and 16×64 B values per tile: four scalar loads per thread, or one vec4.
  const loadAText = spec.vec4A
    ? `{
      let am = tid / 4u; let ak = (tid % 4u) * 4u;
      let gm = m0 + am; let gk = k0 + ak;
      let v = select(vec4<f32>(0.0), loadA4(gm, gk), gm < u.M && gk < u.K);
      As[ak][am] = v.x; As[ak + 1u][am] = v.y; As[ak + 2u][am] = v.z; As[ak + 3u][am] = v.w;
    }`
    : `for (var l = 0u; l < 4u; l++) {
      let e = tid + l * 256u;
      ${aMap}
      let gm = m0 + am;
      let gk = k0 + ak;
      As[ak][am] = select(0.0, loadA(gm, gk), gm < u.M && gk < u.K);
    }`;
  const loadBText = spec.vec4B
    ? `{
      let bk = tid / 16u; let bn = (tid % 16u) * 4u;
      let hk = k0 + bk; let hn = n0 + bn;
      let v = select(vec4<f32>(0.0), loadB4(hk, hn), hk < u.K && hn < u.N);
      Bs[bk][bn] = v.x; Bs[bk][bn + 1u] = v.y; Bs[bk][bn + 2u] = v.z; Bs[bk][bn + 3u] = v.w;
    }`
    : `for (var l = 0u; l < 4u; l++) {
      let e = tid + l * 256u;
      ${bMap}
      let hk = k0 + bk;
      let hn = n0 + bn;
      Bs[bk][bn] = select(0.0, loadB(hk, hn), hk < u.K && hn < u.N);
    }`;
  return {
    key: `${spec.key}:tiled:${spec.aKFast ? 'ak' : 'am'}${spec.bNFast ? 'bn' : 'bk'}${spec.maskA ? ':mask' : ''}${spec.vec4A ? ':a4' : ''}${spec.vec4B ? ':b4' : ''}`,
    uniforms,
    values,
    workgroups: [Math.ceil(spec.N / 64), Math.ceil(spec.M / 64), spec.batches],
    source: () => `${head}
var<workgroup> As: array<array<f32, 64>, 16>;
var<workgroup> Bs: array<array<f32, 64>, 16>;
@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let batch = wid.z;
  ${spec.setup}
  let m0 = wid.y * 64u;
  let n0 = wid.x * 64u;
  let tid = lid.y * 16u + lid.x;
  var acc: array<array<f32, 4>, 4>;
  for (var r = 0u; r < 4u; r++) { for (var c = 0u; c < 4u; c++) { acc[r][c] = 0.0; } }
  for (var k0 = 0u; k0 < u.K; k0 += 16u) {
    ${loadAText}
    ${loadBText}
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      var a: array<f32, 4>;
      var b: array<f32, 4>;
      for (var r = 0u; r < 4u; r++) { a[r] = As[kk][lid.y + 16u * r]; }
      for (var c = 0u; c < 4u; c++) { b[c] = Bs[kk][lid.x + 16u * c]; }
      for (var r = 0u; r < 4u; r++) {
        for (var c = 0u; c < 4u; c++) { acc[r][c] += ${mul('a[r]', 'b[c]')}; }
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let m = m0 + lid.y + 16u * r;
    for (var c = 0u; c < 4u; c++) {
      let n = n0 + lid.x + 16u * c;
      if (m < u.M && n < u.N) { store(m, n, acc[r][c]); }
    }
  }
}`,
  };
}
