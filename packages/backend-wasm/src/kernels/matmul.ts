/**
 * Batched matmul routed to XNNPACK's fully-connected operator, the module's only fast matmul: it takes
 * A [1, M, K] and B [1, K, N], untransposed. Transposed operands are transposed explicitly first (the
 * module's transposed and batched paths are naive loops, 10-50× slower); a batch that B does not have is
 * folded into M; a batched B is looped over, one batch slice per call through temporary ids.
 *
 * XNNPACK caches the operator, with B packed, under B's id alone. B's storage may be read with another
 * [K, N] later (reshape shares storage), so each [K, N] a block is used with gets its own id.
 */

import type { FusedActivation } from '@dendrite/core';
import { activate, matmulCalls, product } from '@dendrite/core/kit';
import { GEMM_COLS, type GemmActivation } from '../codegen/gemm.js';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';
import { binaryKernel } from './binary.js';
import { transposeKernel } from './transpose.js';
import { unaryKernel } from './unary.js';

/** The module's FusableActivation codes that XNNPACK applies in the matmul itself. */
export const ACTIVATION_CODE = { linear: 0, relu: 1, relu6: 2, sigmoid: 5 } as const;

export interface MatmulEpilogue {
  /** A [N] bias added in the kernel, or null. */
  readonly bias: WasmData | null;
  /** An ACTIVATION_CODE. */
  readonly activation: number;
  /** tanh, which neither GEMM applies: one pass over the product after it (bias already added). */
  readonly tanhAfter?: boolean;
}

const NO_EPILOGUE: MatmulEpilogue = { bias: null, activation: 0 };

/** The activations the emitted GEMM applies itself (by ACTIVATION_CODE). */
const EMITTED_ACTIVATION: Record<number, GemmActivation | undefined> = { 0: 'linear', 1: 'relu', 2: 'relu6' };

/**
 * Activations the emitted GEMM leaves to one pass over its output (XNNPACK's SIMD sigmoid, the module's
 * tanh): still cheaper than XNNPACK's matmul, which packs the new B of every training step first.
 */
function emittedAfterPass(epilogue: MatmulEpilogue): 'sigmoid' | 'tanh' | null {
  if (epilogue.tanhAfter) return 'tanh';
  return epilogue.activation === ACTIVATION_CODE.sigmoid ? 'sigmoid' : null;
}

/**
 * How many times a B goes to the emitted GEMM before XNNPACK takes it. XNNPACK's first call with a B
 * packs it (an operator and a transposing gather), which costs more than the product: measured on one
 * thread, [64, 784] · [784, 256] took 1.9 ms on the emitted GEMM, 4.1 ms on XNNPACK's first call and
 * 1.8 ms on its later ones. A training step reads each new weight a few times (a GAN's discriminator on
 * the real and the generated batch, a generator forward without and with a graph), which the packing
 * never pays back; inference weights, read on and on, are worth packing.
 */
const EMITTED_GEMM_USES = 3;

/**
 * Runs `out = act(a @ b + bias)` on the emitted GEMM when that is the faster path, and says whether it
 * did: B must be among its first EMITTED_GEMM_USES in matmul or a transposed scratch copy, at least one
 * 8-column tile wide, and A foldable to [M, K] or, transposed, a single [K, M].
 */
function tryEmittedGemm(
  k: KernelScope,
  a: WasmData,
  b: WasmData,
  transposeA: boolean,
  transposeB: boolean,
  rowsA: number,
  m: number,
  kk: number,
  n: number,
  out: WasmData,
  epilogue: MatmulEpilogue,
  earlyUseOfB: boolean,
): boolean {
  const emitted = k.instance.emitted;
  const after = emittedAfterPass(epilogue);
  const activation = after ? 'linear' : EMITTED_ACTIVATION[epilogue.activation];
  if (!emitted || !activation || n < GEMM_COLS || (!earlyUseOfB && !transposeB)) return false;
  if (transposeA && rowsA !== 1) return false;
  const bb = transposeB ? transposeLast2(k, b, [n, kk]) : b;
  const { bias } = epilogue;
  const shape = { m: rowsA * m, k: kk, n, transA: transposeA, bias: bias !== null, activation };
  emitted.gemm(shape, a.ptr, bb.ptr, out.ptr, bias ? bias.ptr : 0);
  if (bb !== b) k.drop(bb);
  if (after) unaryKernel(k, after, out, out);
  return true;
}

/** The id under which `d` may be passed as a [K, N] matmul B (see the note above). */
function weightId(k: KernelScope, d: WasmData, kk: number, n: number): number {
  const key = `${kk}x${n}`;
  if (d.weightShape === null) d.weightShape = key;
  if (d.weightShape === key) return d.cid;
  d.aliases ??= new Map();
  let id = d.aliases.get(key);
  if (id === undefined) {
    id = k.instance.register(d.ptr, d.size);
    d.aliases.set(key, id);
  }
  return id;
}

/** Moves the last two axes of `x` (`[...batch, r, c]`) to `[...batch, c, r]` in a scratch block. */
export function transposeLast2(k: KernelScope, x: WasmData, shape: readonly number[]): WasmData {
  const rank = shape.length;
  const batch = product(shape, 0, rank - 2);
  const [rows, cols] = [shape[rank - 2], shape[rank - 1]];
  const t = k.temp(x.dtype, x.size);
  const emitted = k.instance.emitted;
  // The emitted 4 × 4 SIMD blocks (codegen/transpose.ts) where both sides are multiples of 4.
  if (emitted && x.dtype === 'float32' && rows % 4 === 0 && cols % 4 === 0 && rows * cols > 0) {
    const transpose = emitted.elementwise().transpose_f32;
    for (let i = 0, bytes = rows * cols * 4; i < batch; i++)
      transpose(x.ptr + i * bytes, t.ptr + i * bytes, rows, cols);
    return t;
  }
  transposeKernel(k, x, [batch, rows, cols], [0, 2, 1], t);
  return t;
}

/**
 * `out [...batch, M, N] = a @ b` with `a` `[...batchA, M, K]` and `b` `[...batchB, K, N]` (before the
 * optional transposes), broadcasting batch axes.
 */
export function matmulKernel(
  k: KernelScope,
  a: WasmData,
  aShape: readonly number[],
  b: WasmData,
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
  out: WasmData,
  outShape: readonly number[],
  epilogue: MatmulEpilogue = NO_EPILOGUE,
): void {
  const ra = aShape.length;
  const rb = bShape.length;
  const m = transposeA ? aShape[ra - 1] : aShape[ra - 2];
  const kk = transposeA ? aShape[ra - 2] : aShape[ra - 1];
  const n = transposeB ? bShape[rb - 2] : bShape[rb - 1];
  if (out.size === 0) return;
  if (kk === 0) {
    k.f32(out).fill(0);
    return;
  }
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  const batch = outShape.slice(0, -2);
  const na = product(batchA);
  const nb = product(batchB);
  const nOut = product(batch);
  const earlyUseOfB = b.matmulUses < EMITTED_GEMM_USES;
  b.matmulUses++;
  // One product when B has no batch and A's batch folds into M; the emitted GEMM takes it if it pays.
  const single = nb === 1 && na === nOut;
  if (single && tryEmittedGemm(k, a, b, transposeA, transposeB, na, m, kk, n, out, epilogue, earlyUseOfB))
    return;
  const aa = transposeA ? transposeLast2(k, a, aShape) : a;
  const bb = transposeB ? transposeLast2(k, b, bShape) : b;
  const biasCid = epilogue.bias ? epilogue.bias.cid : 0;
  // XNNPACK's output clamp (relu, relu6) turns NaN into 0; PyTorch keeps NaN, so those two run after it.
  const clampAfter =
    epilogue.activation === ACTIVATION_CODE.relu || epilogue.activation === ACTIVATION_CODE.relu6;
  const activation = clampAfter ? ACTIVATION_CODE.linear : epilogue.activation;

  if (single) {
    // One call: the batch of A folds into M.
    const bId = bb === b ? weightId(k, b, kk, n) : bb.cid;
    const aShapePtr = k.ints([1, na * m, kk]);
    const bShapePtr = k.ints([1, kk, n]);
    const work = na * m * kk * n;
    k.callSized(
      work,
      '_FusedMatMul',
      aa.cid,
      aShapePtr,
      3,
      bId,
      bShapePtr,
      3,
      0,
      0,
      activation,
      biasCid,
      0,
      0,
      out.cid,
    );
    if (clampAfter) clampKeepingNaN(k, out, epilogue.activation);
    if (epilogue.tanhAfter) unaryKernel(k, 'tanh', out, out);
    return;
  }

  // One call per output batch, on ids aliasing the batch slices; the kit's matmulCalls walks the
  // broadcast batch (aa and bb are untransposed by now: [...batch, m, kk] and [...batch, kk, n]).
  const aShapePtr = k.ints([1, m, kk]);
  const bShapePtr = k.ints([1, kk, n]);
  const bIds = new Map<number, number>();
  const calls = matmulCalls([...batchA, m, kk], [...batchB, kk, n], false, false, outShape);
  for (const c of calls) {
    let bId = bIds.get(c.bOff);
    if (bId === undefined) {
      bId = k.alias(bb.ptr + c.bOff * 4, kk * n);
      bIds.set(c.bOff, bId);
    }
    const aId = k.alias(aa.ptr + c.aOff * 4, m * kk);
    const oId = k.alias(out.ptr + c.cOff * 4, m * n);
    k.callSized(
      m * kk * n,
      '_FusedMatMul',
      aId,
      aShapePtr,
      3,
      bId,
      bShapePtr,
      3,
      0,
      0,
      activation,
      biasCid,
      0,
      0,
      oId,
    );
  }
  if (clampAfter) clampKeepingNaN(k, out, epilogue.activation);
  if (epilogue.tanhAfter) unaryKernel(k, 'tanh', out, out);
}

/** relu / relu6 of `out` in place, NaN of either sign kept (`Math.max` and `<` keep it). */
function clampKeepingNaN(k: KernelScope, out: WasmData, activation: number): void {
  // The kit's loops, not XNNPACK's Relu: it zeroes a NaN with the sign bit set, which Inf - Inf gives.
  activate(k.f32(out), activation === ACTIVATION_CODE.relu ? 'relu' : 'relu6');
}

/**
 * `activation(a @ b + bias)`. XNNPACK (and the emitted GEMM) add a bias of [N] in the product itself and
 * apply relu and relu6 there; sigmoid (XNNPACK in its product, the emitted GEMM in one pass after) and
 * tanh (one pass after either) follow the product. Any other bias is added after the product.
 */
export function fusedMatmulKernel(
  k: KernelScope,
  a: WasmData,
  aShape: readonly number[],
  b: WasmData,
  bShape: readonly number[],
  bias: WasmData | null,
  biasShape: readonly number[] | null,
  activation: FusedActivation,
  transposeA: boolean,
  transposeB: boolean,
  out: WasmData,
  outShape: readonly number[],
): void {
  const cols = outShape[outShape.length - 1];
  const rowBias =
    !bias || (bias.size === cols && biasShape!.every((d, i) => i === biasShape!.length - 1 || d === 1));
  const tanhAfter = activation === 'tanh';
  const code = tanhAfter ? ACTIVATION_CODE.linear : ACTIVATION_CODE[activation];
  const inKernel =
    rowBias && product(outShape.slice(0, -2)) * cols > 0 && aShape[aShape.length - (transposeA ? 2 : 1)] > 0;
  if (inKernel) {
    matmulKernel(k, a, aShape, b, bShape, transposeA, transposeB, out, outShape, {
      bias,
      activation: code,
      tanhAfter,
    });
    return;
  }
  matmulKernel(k, a, aShape, b, bShape, transposeA, transposeB, out, outShape);
  if (bias) binaryKernel(k, 'add', out, outShape, bias, biasShape!, out, outShape);
  if (activation === 'relu6') activate(k.f32(out), 'relu6');
  else if (activation !== 'linear') unaryKernel(k, activation, out, out);
}
