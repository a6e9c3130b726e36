/**
 * The large products of matmul and convolution, split between threads. Each method copies its operands
 * into the shared arena, describes the job, runs it on the pool and copies the result out; it returns null
 * when the op is too small to pay for that (or the pool cannot take it), and the caller runs the
 * single-threaded kernel instead.
 *
 * Every split keeps each output element's order of summation exactly as on one thread, so the results are
 * bit-identical whatever the number of threads:
 * - matmul: rows of each gemm (gemm's sums do not depend on how its rows are blocked);
 * - convolution forward: output pixels; input gradient: whole images (their dx never overlap, and each dx
 *   element receives its terms in pixel order); filter gradient: rows of dW, each summed over the same
 *   pixel chunks in the same order.
 * Pieces keep at least MR rows, so none falls back to gemm's unpacked path.
 */
import {
  type ConvGeometry,
  chunkCount,
  colWidth,
  type GemmCall,
  isDepthwise,
  MR,
  matmulCalls,
  product,
} from '@dendrite/core/kit';
import {
  BOUNDS,
  GEMM_FIELDS,
  IN0,
  IN1,
  JobKind,
  KIND,
  MAX_TASKS,
  OUT,
  PER_GROUP,
  SPLIT,
  TABLE,
  writeGeometry,
} from './protocol.js';
import type { ThreadPool } from './thread-pool.js';

/**
 * Fewest multiply-adds for which an op is split between threads: posting the job, waking a worker and
 * copying the operands cost tens of microseconds. Measured on 2 cores: 1.13× at 2.1e6 (a 128³ matmul),
 * 1.37× at 7e6, 1.6–1.9× from 1.7e7; a 96³ matmul (0.9e6) would gain next to nothing.
 */
export const PARALLEL_MIN_MACS = 2e6;
/** Tasks per thread: enough that a late-waking or slower thread leaves little imbalance. */
const TASKS_PER_THREAD = 4;
/** Fewest rows (pixels, filter rows) a task gets, so per-task packing stays a small cost. */
const MIN_TASK_ROWS = 4 * MR;

export class ParallelKernels {
  /** `acquire` gives the pool, started on first use, or null once it cannot be used. */
  constructor(
    private readonly threads: number,
    private readonly acquire: () => ThreadPool | null,
    private readonly minMacs = PARALLEL_MIN_MACS,
  ) {}

  matmul(
    a: Float32Array,
    aShape: readonly number[],
    b: Float32Array,
    bShape: readonly number[],
    transposeA: boolean,
    transposeB: boolean,
    outShape: readonly number[],
  ): Float32Array | null {
    const calls = matmulCalls(aShape, bShape, transposeA, transposeB, outShape);
    let macs = 0;
    for (const c of calls) macs += c.m * c.n * c.k;
    if (macs === 0 || macs < this.minMacs) return null;
    const tasks = gemmTasks(calls, macs / (this.threads * TASKS_PER_THREAD));
    if (tasks.length < 2) return null;
    const pool = this.acquire();
    if (!pool) return null;

    const outLength = product(outShape);
    const layout = new ArenaLayout();
    const A = layout.f32(a.length);
    const B = layout.f32(b.length);
    const C = layout.f32(outLength);
    const entries = tasks.reduce((n, t) => n + t.length, 0);
    const table = layout.f64(entries * GEMM_FIELDS);
    const bounds = layout.f64(tasks.length + 1);
    if (!pool.reserve(layout.bytes)) return null;
    const { f32, f64 } = pool;
    f32.set(a, A);
    f32.set(b, B);
    f32.fill(0, C, C + outLength);
    let e = 0;
    tasks.forEach((task, i) => {
      f64[bounds + i] = e;
      for (const { call, i0, i1 } of task) {
        const t = table + e++ * GEMM_FIELDS;
        f64[t] = i1 - i0;
        f64[t + 1] = call.n;
        f64[t + 2] = call.k;
        f64[t + 3] = A + call.aOff + i0 * call.aRowStride;
        f64[t + 4] = call.aRowStride;
        f64[t + 5] = call.aColStride;
        f64[t + 6] = B + call.bOff;
        f64[t + 7] = call.bRowStride;
        f64[t + 8] = call.bColStride;
        f64[t + 9] = C + call.cOff + i0 * call.cRowStride;
        f64[t + 10] = call.cRowStride;
      }
    });
    f64[bounds + tasks.length] = e;
    const desc = pool.desc;
    desc[KIND] = JobKind.gemmList;
    desc[TABLE] = table;
    desc[BOUNDS] = bounds;
    return pool.run(tasks.length) ? f32.slice(C, C + outLength) : null;
  }

  conv2d(x: Float32Array, filter: Float32Array, g: ConvGeometry): Float32Array | null {
    const pixels = g.n * g.oh * g.ow;
    if (!this.worthIt(g)) return null;
    const [split, perGroup] = this.rowSplit(pixels, g.groups);
    return this.convJob(
      JobKind.convForward,
      g,
      x,
      filter,
      pixels * g.cout,
      split,
      perGroup,
      g.groups * perGroup,
    );
  }

  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, g: ConvGeometry): Float32Array | null {
    if (!this.worthIt(g)) return null;
    // Whole images per task, at least MR pixels each; a last range thinner than that joins the one before.
    const imagePixels = g.oh * g.ow;
    const wanted = Math.min(g.n, this.threads * TASKS_PER_THREAD);
    const split = Math.max(Math.ceil(MR / imagePixels), Math.ceil(g.n / wanted));
    const tasks = chunkCount(g.n * imagePixels, split * imagePixels);
    return this.convJob(JobKind.convBackpropInput, g, dy, filter, g.n * g.h * g.w * g.cin, split, 0, tasks);
  }

  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, g: ConvGeometry): Float32Array | null {
    if (!this.worthIt(g)) return null;
    const [split, perGroup] = this.rowSplit(colWidth(g), g.groups);
    const size = colWidth(g) * g.cout;
    return this.convJob(JobKind.convBackpropFilter, g, x, dy, size, split, perGroup, g.groups * perGroup);
  }

  /** Big enough, and a shape the gemm-based kernels handle (depthwise runs as direct loops). */
  private worthIt(g: ConvGeometry): boolean {
    const macs = g.n * g.oh * g.ow * colWidth(g) * g.cout;
    return !isDepthwise(g) && macs > 0 && macs >= this.minMacs;
  }

  /** Cuts `rows` (per group) into pieces so that all groups give about TASKS_PER_THREAD tasks a thread. */
  private rowSplit(rows: number, groups: number): [split: number, perGroup: number] {
    const perGroup = Math.ceil((this.threads * TASKS_PER_THREAD) / groups);
    const split = Math.max(MIN_TASK_ROWS, Math.ceil(rows / perGroup / MR) * MR);
    return [split, chunkCount(rows, split)];
  }

  private convJob(
    kind: number,
    g: ConvGeometry,
    in0: Float32Array,
    in1: Float32Array,
    outLength: number,
    split: number,
    perGroup: number,
    tasks: number,
  ): Float32Array | null {
    if (tasks < 2 || tasks > MAX_TASKS) return null;
    const pool = this.acquire();
    if (!pool) return null;
    const layout = new ArenaLayout();
    const I0 = layout.f32(in0.length);
    const I1 = layout.f32(in1.length);
    const O = layout.f32(outLength);
    if (!pool.reserve(layout.bytes)) return null;
    const { f32, desc } = pool;
    f32.set(in0, I0);
    f32.set(in1, I1);
    f32.fill(0, O, O + outLength);
    desc[KIND] = kind;
    desc[IN0] = I0;
    desc[IN1] = I1;
    desc[OUT] = O;
    desc[SPLIT] = split;
    desc[PER_GROUP] = perGroup;
    writeGeometry(desc, g);
    return pool.run(tasks) ? f32.slice(O, O + outLength) : null;
  }
}

interface Piece {
  readonly call: GemmCall;
  readonly i0: number;
  readonly i1: number;
}

/**
 * Groups the gemms into tasks of about `target` multiply-adds: a big gemm is cut into row pieces (of at
 * least MIN_TASK_ROWS rows, the last absorbing a thin remainder), small ones are batched together.
 */
function gemmTasks(calls: readonly GemmCall[], target: number): Piece[][] {
  const tasks: Piece[][] = [];
  let open: Piece[] = [];
  let openMacs = 0;
  const close = () => {
    if (open.length > 0) tasks.push(open);
    open = [];
    openMacs = 0;
  };
  for (const call of calls) {
    const macs = call.m * call.n * call.k;
    const pieces = Math.min(Math.round(macs / target), Math.floor(call.m / MIN_TASK_ROWS));
    if (pieces >= 2) {
      close();
      const rows = Math.ceil(call.m / pieces / MR) * MR;
      for (let i0 = 0, c = chunkCount(call.m, rows), i = 0; i < c; i++, i0 += rows) {
        tasks.push([{ call, i0, i1: i === c - 1 ? call.m : i0 + rows }]);
      }
      continue;
    }
    open.push({ call, i0: 0, i1: call.m });
    openMacs += macs;
    if (openMacs >= target) close();
  }
  close();
  return tasks.length <= MAX_TASKS ? tasks : [];
}

/** Regions of one job in the arena: float32 data, float64 tables, each 64-byte aligned. */
class ArenaLayout {
  bytes = 0;

  /** A region of `n` float32 values; its offset in float32 units. */
  f32(n: number): number {
    const at = align(this.bytes);
    this.bytes = at + n * 4;
    return at / 4;
  }

  /** A region of `n` float64 values; its offset in float64 units. */
  f64(n: number): number {
    const at = align(this.bytes);
    this.bytes = at + n * 8;
    return at / 8;
  }
}

function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}
