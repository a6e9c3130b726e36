/**
 * A float32 GEMM emitted as WebAssembly SIMD for one shape: C[M, N] = act(A·B + bias), A [M, K] (or
 * stored [K, M] when `transA`), B [K, N], all row-major, with M, K and N baked into the code.
 *
 * Why not XNNPACK's matmul: XNNPACK packs B into its own layout when it first sees it and caches the
 * packed copy under B's id. In training B is new on every step (updated weights, activation gradients),
 * so every call pays the packing, which the module does with a transposing gather (about 2 ms of a 7 ms
 * MLP step here). This kernel reads B where it lies: each register tile streams a K × 8 panel of B
 * (L1-sized for K up to about 1000) against MR rows of A, 2·MR accumulators of four lanes each. It also
 * reads a transposed A in place (the weight gradient xᵀ·dy), so that transpose is never materialised.
 */
import { type Bytes, F32, type FunctionSpec, I32, op, V128 } from './wasm-encoder.js';

export type GemmActivation = 'linear' | 'relu' | 'relu6';

export interface GemmShape {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** A is stored [K, M]. */
  readonly transA: boolean;
  readonly bias: boolean;
  readonly activation: GemmActivation;
  /**
   * Multiply-add with relaxed SIMD's `f32x4.relaxed_madd` (one fused instruction where the hardware has
   * FMA) instead of `f32x4.mul` + `f32x4.add`; only where relaxedSimdSupported(). The N mod 8 tail
   * columns stay scalar mul + add.
   */
  readonly fma?: boolean;
}

/**
 * Rows of A per register tile: 4 × 8 columns are 8 accumulators, 2 B vectors and 4 broadcast A values,
 * which V8 keeps in 14 of x64's 16 vector registers. 6 rows measured 28 GFLOPS against 35-39 for 4:
 * V8 hoists every broadcast to the top of the k step and spilled accumulators to the stack.
 */
export const GEMM_ROWS = 4;
/** k steps per loop iteration (unrolling by 2 measured slower: the hoisted broadcasts spill again). */
export const GEMM_UNROLL = 1;
/** Columns per register tile (two f32x4). */
export const GEMM_COLS = 8;
/** Bytes of A per row block: a block stays in L2 while the column tiles pass over it. */
const L2_BLOCK_BYTES = 128 * 1024;
/** The most tail columns (N mod 8) handled by the scalar loop. */
const MAX_TAIL = GEMM_COLS - 1;

/** The emitted `gemm` export, at heap addresses (see the parameters below gemmKey). */
export type GemmCall = (
  pa: number,
  pb: number,
  pc: number,
  pbias: number,
  jb0: number,
  jb1: number,
  tail: number,
) => void;

export function gemmKey(s: GemmShape): string {
  return `${s.m},${s.k},${s.n},${s.transA ? 't' : 'n'},${s.bias ? 'b' : '-'},${s.activation}${s.fma ? ',fma' : ''}`;
}

// Parameters: gemm(pa, pb, pc, pbias, jb0, jb1, tail) — column blocks [jb0, jb1) in bytes (multiples of
// 32), and the N mod 8 tail columns when `tail` is non-zero, so that threads can split the columns.
const P = { pa: 0, pb: 1, pc: 2, pbias: 3, jb0: 4, jb1: 5, tail: 6 };
const L = {
  j: 7,
  pak: 8,
  pbk: 9,
  kc: 10,
  paRow: 11,
  pcRow: 12,
  i: 13,
  pbj: 14,
  paBlock: 15,
  pcBlock: 16,
  blk: 17,
};
const F = { s: 18, a: 18 + MAX_TAIL };
const V = { acc: F.a + 1 };

export function gemmFunction(s: GemmShape, rows = GEMM_ROWS, unroll = GEMM_UNROLL): FunctionSpec {
  const { m, k, n, transA } = s;
  const b0 = V.acc + 2 * rows;
  const b1 = b0 + 1;
  const av = b0 + 2;
  const body: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) body.push(...x);
  };
  const aStepK = transA ? m * 4 : 4;
  const aRowStep = (mr: number) => (transA ? mr * 4 : mr * k * 4);
  const aOffset = (r: number) => (transA ? r * 4 : r * k * 4);
  const n8 = n - (n % GEMM_COLS);
  const tail = n - n8;

  // Constants are materialised where used: locals live across the loops would take two of the 16
  // vector registers the tile needs.
  const activate = (acc: number) => {
    if (s.activation === 'linear') return;
    e(op.localGet(acc), op.v128Zero, op.f32x4Max);
    if (s.activation === 'relu6') e(op.f32Const(6), op.f32x4Splat, op.f32x4Min);
    e(op.localSet(acc));
  };

  /** One register tile of `mr` rows × 8 columns at (paRow, pcRow), columns from j. */
  const tile = (mr: number) => {
    const acc = (r: number, c: number) => V.acc + 2 * r + c;
    for (let r = 0; r < mr; r++) for (let c = 0; c < 2; c++) e(op.v128Zero, op.localSet(acc(r, c)));
    e(op.localGet(L.paRow), op.localSet(L.pak));
    e(op.localGet(P.pb), op.localGet(L.j), op.i32Add, op.localSet(L.pbk));
    // One k step at `u` steps past the pointers: the B row's 8 columns against each row's A element.
    const step = (u: number) => {
      e(op.localGet(L.pbk), op.v128Load(u * n * 4), op.localSet(b0));
      e(op.localGet(L.pbk), op.v128Load(u * n * 4 + 16), op.localSet(b1));
      for (let r = 0; r < mr; r++) {
        e(op.localGet(L.pak), op.v128Load32Splat(aOffset(r) + u * aStepK), op.localSet(av));
        for (let c = 0; c < 2; c++) {
          if (s.fma)
            e(op.localGet(av), op.localGet(c === 0 ? b0 : b1), op.localGet(acc(r, c)), op.f32x4RelaxedMadd);
          else
            e(
              op.localGet(acc(r, c)),
              op.localGet(av),
              op.localGet(c === 0 ? b0 : b1),
              op.f32x4Mul,
              op.f32x4Add,
            );
          e(op.localSet(acc(r, c)));
        }
      }
    };
    const rounds = Math.floor(k / unroll);
    if (rounds > 0) {
      // The loop runs on B's pointer against its end: no separate counter to keep in a register.
      e(op.localGet(L.pbk), op.i32Const(rounds * n * 4 * unroll), op.i32Add, op.localSet(L.kc), op.loop);
      for (let u = 0; u < unroll; u++) step(u);
      e(op.localGet(L.pak), op.i32Const(aStepK * unroll), op.i32Add, op.localSet(L.pak));
      e(op.localGet(L.pbk), op.i32Const(n * 4 * unroll), op.i32Add, op.localTee(L.pbk));
      e(op.localGet(L.kc), op.i32LtU, op.brIf(0), op.end);
    }
    for (let u = 0; u < k % unroll; u++) step(u);
    if (s.bias) {
      e(op.localGet(L.pbj), op.v128Load(0), op.localSet(b0));
      e(op.localGet(L.pbj), op.v128Load(16), op.localSet(b1));
    }
    for (let r = 0; r < mr; r++) {
      for (let c = 0; c < 2; c++) {
        if (s.bias)
          e(op.localGet(acc(r, c)), op.localGet(c === 0 ? b0 : b1), op.f32x4Add, op.localSet(acc(r, c)));
        activate(acc(r, c));
        e(op.localGet(L.pcRow), op.localGet(acc(r, c)), op.v128Store(r * n * 4 + c * 16));
      }
    }
  };

  /** `count` tiles of `mr` rows, advancing paRow and pcRow. */
  const tiles = (mr: number, count: number) => {
    if (count === 0) return;
    e(op.i32Const(count), op.localSet(L.i), op.loop);
    tile(mr);
    e(op.localGet(L.paRow), op.i32Const(aRowStep(mr)), op.i32Add, op.localSet(L.paRow));
    e(op.localGet(L.pcRow), op.i32Const(mr * n * 4), op.i32Add, op.localSet(L.pcRow));
    e(op.localGet(L.i), op.i32Const(1), op.i32Sub, op.localTee(L.i), op.brIf(0), op.end);
  };

  // Rows in blocks whose slice of A (block rows × K) stays in L2 while every column tile of the share
  // passes over it; within a block, column tiles of 8, each over the block's rows, so that the K × 8
  // panel of B stays in L1 across the row tiles. Without the row blocks every column tile would stream
  // all of A again (12.8 MB per 128×784×256 product), which two threads could not feed.
  const blockRows = Math.max(rows, Math.floor(L2_BLOCK_BYTES / (k * 4) / rows) * rows);
  const block = (mb: number) => {
    e(op.localGet(P.jb0), op.localSet(L.j));
    e(op.block, op.localGet(L.j), op.localGet(P.jb1), op.i32GeU, op.brIf(0), op.loop);
    e(op.localGet(L.paBlock), op.localSet(L.paRow));
    e(op.localGet(L.pcBlock), op.localGet(L.j), op.i32Add, op.localSet(L.pcRow));
    if (s.bias) e(op.localGet(P.pbias), op.localGet(L.j), op.i32Add, op.localSet(L.pbj));
    tiles(rows, Math.floor(mb / rows));
    tiles(1, mb % rows);
    e(
      op.localGet(L.j),
      op.i32Const(GEMM_COLS * 4),
      op.i32Add,
      op.localTee(L.j),
      op.localGet(P.jb1),
      op.i32LtU,
    );
    e(op.brIf(0), op.end, op.end);
    e(op.localGet(L.paBlock), op.i32Const(aRowStep(mb)), op.i32Add, op.localSet(L.paBlock));
    e(op.localGet(L.pcBlock), op.i32Const(mb * n * 4), op.i32Add, op.localSet(L.pcBlock));
  };
  e(op.localGet(P.pa), op.localSet(L.paBlock), op.localGet(P.pc), op.localSet(L.pcBlock));
  const fullBlocks = Math.floor(m / blockRows);
  if (fullBlocks > 0) {
    e(op.i32Const(fullBlocks), op.localSet(L.blk), op.loop);
    block(blockRows);
    e(op.localGet(L.blk), op.i32Const(1), op.i32Sub, op.localTee(L.blk), op.brIf(0), op.end);
  }
  if (m % blockRows > 0) block(m % blockRows);

  // The N mod 8 last columns, one row at a time, scalar.
  if (tail > 0) {
    e(op.localGet(P.tail), op.if);
    e(op.localGet(P.pa), op.localSet(L.paRow));
    e(op.localGet(P.pc), op.i32Const(n8 * 4), op.i32Add, op.localSet(L.pcRow));
    e(op.i32Const(m), op.localSet(L.i), op.loop);
    for (let t = 0; t < tail; t++) e(op.f32Const(0), op.localSet(F.s + t));
    e(op.localGet(L.paRow), op.localSet(L.pak));
    e(op.localGet(P.pb), op.i32Const(n8 * 4), op.i32Add, op.localSet(L.pbk));
    e(op.i32Const(k), op.localSet(L.kc), op.loop);
    e(op.localGet(L.pak), op.f32Load(0), op.localSet(F.a));
    for (let t = 0; t < tail; t++) {
      e(op.localGet(F.s + t), op.localGet(F.a), op.localGet(L.pbk), op.f32Load(t * 4), op.f32Mul, op.f32Add);
      e(op.localSet(F.s + t));
    }
    e(op.localGet(L.pak), op.i32Const(aStepK), op.i32Add, op.localSet(L.pak));
    e(op.localGet(L.pbk), op.i32Const(n * 4), op.i32Add, op.localSet(L.pbk));
    e(op.localGet(L.kc), op.i32Const(1), op.i32Sub, op.localTee(L.kc), op.brIf(0), op.end);
    for (let t = 0; t < tail; t++) {
      e(op.localGet(L.pcRow), op.localGet(F.s + t));
      if (s.bias) e(op.localGet(P.pbias), op.f32Load((n8 + t) * 4), op.f32Add);
      if (s.activation !== 'linear') e(op.f32Const(0), op.f32Max);
      if (s.activation === 'relu6') e(op.f32Const(6), op.f32Min);
      e(op.f32Store(t * 4));
    }
    e(op.localGet(L.paRow), op.i32Const(aRowStep(1)), op.i32Add, op.localSet(L.paRow));
    e(op.localGet(L.pcRow), op.i32Const(n * 4), op.i32Add, op.localSet(L.pcRow));
    e(op.localGet(L.i), op.i32Const(1), op.i32Sub, op.localTee(L.i), op.brIf(0), op.end);
    e(op.end);
  }

  return {
    name: 'gemm',
    params: [I32, I32, I32, I32, I32, I32, I32],
    locals: [
      [L.blk - L.j + 1, I32],
      [MAX_TAIL + 1, F32],
      [2 * rows + 3, V128],
    ],
    body,
  };
}
