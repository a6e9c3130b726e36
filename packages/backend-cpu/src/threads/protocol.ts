/**
 * What the main thread and the workers share: the layout of the control block, the job descriptor, and
 * `runTask`, the one function that executes a task of a job. The main thread runs the same `runTask` on
 * its share of the tasks, so which thread computes a task never changes its result.
 *
 * The control block is a small SharedArrayBuffer: int32 counters and flags, then a float64 job descriptor. The
 * operands and results of a job live in the arena, a second (growable) SharedArrayBuffer, addressed by
 * offsets in float32 (data) or float64 (tables) units.
 *
 * A job is `tasks` independent tasks. Threads claim them one at a time from the CLAIM counter, which holds
 * `(job tag << 12) | next task`: a worker that wakes late, after its job is over, holds a stale tag and
 * cannot claim a task of the next job, whose descriptor it may have half read.
 */
import {
  backpropFilterRows,
  backpropInputPixels,
  type ConvGeometry,
  forwardPixels,
  gemm,
  pointwiseBackpropFilter,
  pointwiseBackpropInput,
  pointwiseForward,
} from '@dendrite/core/kit';

// ─── control block: int32 slots ─────────────────────────────────────────────────────────────────────

/** Job generation: bumped (and notified) to post a job or a stop; idle workers wait on it. */
export const GEN = 0;
/** `(tag << TAG_SHIFT) | next task index` of the live job. */
export const CLAIM = 1;
/** Tasks of the live job finished; the main thread waits on it. */
export const DONE = 2;
/** Non-zero: workers leave their loop. */
export const STOP = 3;
/** Tasks that threw (a bug): the main thread redoes the job on its own and retires the pool. */
export const FAILED = 4;
/** Tasks run by workers, ever (a statistic for info()). */
export const WORKER_TASKS = 5;
/** From here, one slot per worker, set to 1 once that worker has started. */
export const STARTED_FLAGS = 16;
/** Most workers a pool can have. */
export const MAX_WORKERS = 255;

export const TAG_SHIFT = 12;
/** Task indices fit below the tag; this index also marks a job whose claims are closed. */
export const MAX_TASKS = (1 << TAG_SHIFT) - 1;
const TAG_MASK = (1 << (31 - TAG_SHIFT)) - 1;

export function jobTag(gen: number): number {
  return gen & TAG_MASK;
}

const INT_SLOTS = STARTED_FLAGS + MAX_WORKERS + 1;
export const DESCRIPTOR_SLOTS = 40;
export const CONTROL_BYTES = INT_SLOTS * 4 + DESCRIPTOR_SLOTS * 8;

/** Int32 counters and the float64 descriptor over one control block. */
export function controlViews(control: SharedArrayBuffer): { ctrl: Int32Array; desc: Float64Array } {
  return {
    ctrl: new Int32Array(control, 0, INT_SLOTS),
    desc: new Float64Array(control, INT_SLOTS * 4, DESCRIPTOR_SLOTS),
  };
}

// ─── job descriptor: float64 slots ──────────────────────────────────────────────────────────────────

export const KIND = 0;
export const TASKS = 1;
/** Bytes of the arena the job uses: a worker whose views are shorter re-creates them first. */
export const ARENA_BYTES = 2;

export const JobKind = {
  /** Gemms listed in a table: TABLE entries of GEMM_FIELDS values, task i runs entries BOUNDS[i]..BOUNDS[i+1]. */
  gemmList: 1,
  /** Convolution forward: task i is group i / PER_GROUP, pixels [c*SPLIT, …) with c = i % PER_GROUP. */
  convForward: 2,
  /** Convolution input gradient: task i is every group of images [i*SPLIT, (i+1)*SPLIT). */
  convBackpropInput: 3,
  /** Convolution filter gradient: task i is group i / PER_GROUP, filter rows [c*SPLIT, …). */
  convBackpropFilter: 4,
} as const;

// gemmList
export const TABLE = 3;
export const BOUNDS = 4;
/** m, n, k, aOff, aRowStride, aColStride, bOff, bRowStride, bColStride, cOff, cRowStride. */
export const GEMM_FIELDS = 11;

// convolutions: the first operand (x or dy), the second (filter or dy), the output, how tasks cut the work
export const IN0 = 3;
export const IN1 = 4;
export const OUT = 5;
export const SPLIT = 6;
export const PER_GROUP = 7;
const GEOMETRY = 8;
const GEOMETRY_FIELDS = [
  'n',
  'h',
  'w',
  'cin',
  'oh',
  'ow',
  'cout',
  'kh',
  'kw',
  'sh',
  'sw',
  'dh',
  'dw',
  'pt',
  'pb',
  'pl',
  'pr',
  'groups',
  'cinG',
  'coutG',
] as const;

export function writeGeometry(desc: Float64Array, g: ConvGeometry): void {
  GEOMETRY_FIELDS.forEach((f, i) => {
    desc[GEOMETRY + i] = g[f];
  });
  desc[GEOMETRY + GEOMETRY_FIELDS.length] = g.pointwise ? 1 : 0;
}

function readGeometry(desc: Float64Array): ConvGeometry {
  const g: Record<string, number | boolean> = {};
  GEOMETRY_FIELDS.forEach((f, i) => {
    g[f] = desc[GEOMETRY + i];
  });
  g.pointwise = desc[GEOMETRY + GEOMETRY_FIELDS.length] === 1;
  return g as unknown as ConvGeometry;
}

/** Start and end of part `i` of `[0, total)` cut into `parts` pieces of `split` (the last takes the rest). */
function part(i: number, parts: number, split: number, total: number): [number, number] {
  return [i * split, i === parts - 1 ? total : (i + 1) * split];
}

/** Runs task `task` of the job in `desc` on the arena views `f32` / `f64`. */
export function runTask(desc: Float64Array, task: number, f32: Float32Array, f64: Float64Array): void {
  const kind = desc[KIND];
  if (kind === JobKind.gemmList) {
    const bounds = desc[BOUNDS];
    const end = f64[bounds + task + 1];
    for (let e = f64[bounds + task]; e < end; e++) {
      const t = desc[TABLE] + e * GEMM_FIELDS;
      gemm(
        f64[t],
        f64[t + 1],
        f64[t + 2],
        f32,
        f64[t + 3],
        f64[t + 4],
        f64[t + 5],
        f32,
        f64[t + 6],
        f64[t + 7],
        f64[t + 8],
        f32,
        f64[t + 9],
        f64[t + 10],
        true,
      );
    }
    return;
  }
  const g = readGeometry(desc);
  const pixels = g.n * g.oh * g.ow;
  // Offsets become views, so the kernels address their operands from 0 as on one thread.
  const in0 = f32.subarray(desc[IN0]);
  const in1 = f32.subarray(desc[IN1]);
  const out = f32.subarray(desc[OUT]);
  const perGroup = desc[PER_GROUP];
  const split = desc[SPLIT];
  if (kind === JobKind.convBackpropInput) {
    const [n0, n1] = part(task, desc[TASKS], split, g.n);
    const [p0, p1] = [n0 * g.oh * g.ow, n1 * g.oh * g.ow];
    for (let grp = 0; grp < g.groups; grp++) {
      if (g.pointwise) pointwiseBackpropInput(in0, in1, out, g, grp, p0, p1);
      else backpropInputPixels(in0, in1, out, g, grp, p0, p1);
    }
    return;
  }
  const grp = Math.floor(task / perGroup);
  const c = task % perGroup;
  if (kind === JobKind.convForward) {
    const [p0, p1] = part(c, perGroup, split, pixels);
    if (g.pointwise) pointwiseForward(in0, in1, out, g, grp, p0, p1);
    else forwardPixels(in0, in1, out, g, grp, p0, p1);
    return;
  }
  if (kind === JobKind.convBackpropFilter) {
    const [k0, k1] = part(c, perGroup, split, g.kh * g.kw * g.cinG);
    if (g.pointwise) pointwiseBackpropFilter(in0, in1, out, g, grp, k0, k1);
    else backpropFilterRows(in0, in1, out, g, grp, k0, k1);
    return;
  }
  throw new Error(`backend-cpu worker: unknown job kind ${kind}`);
}
