/**
 * Helper threads for the kernels Dendrite emits (the threaded build's heap is a SharedArrayBuffer, so a
 * worker that instantiates an emitted module over the same memory computes in place). XNNPACK's own pool
 * belongs to the C side and cannot run our code; these helpers share an emitted GEMM's column tiles with
 * the calling thread.
 *
 * Work is handed out dynamically, in shrinking chunks (guided self-scheduling): every participant takes
 * a share of the column tiles still left from a shared atomic counter, big chunks first and single tiles
 * at the end, so the threads finish within a tile of each other. A call is a few words in a shared
 * control block and an `Atomics.notify`, not a message: helpers sleep in `Atomics.wait`, so waking one
 * costs a futex wake, not an event-loop turn.
 *
 * The caller never waits for a helper that has not joined: on a busy machine (2 cores, many processes)
 * a woken helper is often not scheduled for milliseconds, and waiting for it to acknowledge each job
 * made two threads slower than one on LeNet-5 (the conv filter gradient's 1.2 M-MAC GEMMs: 86-141 ms
 * against 20-43 ms per step on one thread). So the counter carries the job's generation and is closed
 * when the caller has taken the last tile; a helper that wakes late finds the counter closed or of a
 * newer generation and takes nothing, and the caller waits only for helpers counted in `ACTIVE` (inside
 * a chunk). A helper reads a job's arguments only after it has seen that job's generation in the
 * counter, and its compare-and-swap succeeds only while that job is open, so it never mixes two jobs.
 *
 * Platform-neutral: the platform supplies `spawn` (Node: worker_threads).
 */

import { GEMM_COLS } from '../codegen/gemm.js';
import { runLstmBlocks } from './lstm-blocks.js';

/** Words of one helper's control block (Int32Array); the block of helper i starts at word 16·(i + 1). */
export const CONTROL = {
  /** Bumped by the caller for each job (and for exit). */
  job: 0,
  /** Index of the function to run, or -1 to exit. */
  fn: 2,
  /** The function's first four i32 arguments (pointers). */
  args: 4,
  /** Column tiles in all, and the divisor of what remains that sizes the next chunk. */
  tiles: 8,
  parts: 9,
  /** Set to 1 by the helper once its thread runs. */
  started: 11,
  /** What a unit of work is: TASK.columns (GEMM column tiles) or TASK.filterBlocks. */
  kind: 12,
  words: 16,
} as const;

/** The kinds of job the helpers run. */
export const TASK = {
  /** Units are column tiles of one GEMM: `gemm(pointers…, jb0, jb1, 0)`. */
  columns: 0,
  /**
   * Units are blocks of a conv filter gradient's pixel chunks (see FILTER_TASK): whoever takes block b
   * builds each of its chunks' im2col in its own scratch, runs the chunk's GEMM and sums the chunks, in
   * index order, into b's own accumulator, so the result does not depend on who took which block.
   */
  filterBlocks: 1,
  /**
   * Units are blocks of an LSTM layer's batch rows (lstm-blocks.ts): whoever takes block b runs the
   * whole time loop for b's rows; no row of one block is read or written by another.
   */
  lstmBlocks: 2,
} as const;

/**
 * Words of a filter-gradient task block (int32, in wasm memory; its address is the job's first pointer).
 * The `units` pixel chunks are split into `blocks` blocks, fixed by the kernel from the shape and the
 * participants configured (never from who joins): block b is chunks [blockStart(b), blockStart(b + 1)),
 * summed in index order into its accumulator at `slots + b·slotBytes` (see filterScratch), and the kernel
 * adds the accumulators in block order at the end. Float32 addition does not associate, so grouping the
 * chunks by participant instead would make the last bits depend on thread timing. Participant s (0 the
 * caller, helper i is i + 1) owns the im2col chunk [rows, kh·kw·cin] and the product [cout, kh·kw·cin] at
 * `scratch + s·stride` bytes; `done + s` counts the blocks it finished (diagnostics and tests).
 */
export const FILTER_TASK = {
  x: 0,
  dy: 1,
  scratch: 2,
  stride: 3,
  rows: 4,
  h: 5,
  w: 6,
  cin: 7,
  oh: 8,
  ow: 9,
  kh: 10,
  kw: 11,
  sh: 12,
  sw: 13,
  dh: 14,
  dw: 15,
  pt: 16,
  pl: 17,
  cout: 18,
  /** Bytes of the GEMM's full column tiles (its jb1). */
  columnBytes: 19,
  /** Pixel chunks in all, the blocks they are split into, and the address of block 0's accumulator. */
  units: 20,
  blocks: 21,
  slots: 22,
  /**
   * 1 + the helpers' index of the elementwise module, whose `copy_rows` im2colRuns uses and whose
   * `add_v` sums the chunks; 0: none.
   */
  copyRows: 23,
  done: 24,
} as const;

/** The first chunk of block `b` of `units` chunks in `blocks` blocks (blocks ≤ units: none is empty). */
export function blockStart(b: number, units: number, blocks: number): number {
  return Math.floor((b * units) / blocks);
}

/** Word 0 of the shared block: the job's generation (bits 20…30) and the next column tile to take. */
const COUNTER = 0;
/** Word 1: helpers inside a job (between joining and finishing their chunks). */
const ACTIVE = 1;
/** Word 2: set to 1 when a helper's call trapped. */
const TRAPPED = 2;
/**
 * Word 3: set to 1 when the caller is about to run an operator on XNNPACK's own pool, whose worker
 * needs the core an idle helper would otherwise spin on: a helper that sees it sleeps at once.
 */
const PARKED = 3;
/** The counter's tile bits; a job with more tiles runs on the calling thread alone. */
const TILE_BITS = 20;
const TILE_MASK = (1 << TILE_BITS) - 1;
/** Generations wrap at 2^11 (bits 20…30); a closed counter (-1) matches none. */
const GENERATION_MASK = 0x7ff;
const CLOSED = -1;

/** How long an idle helper keeps polling for the next job before it sleeps in `Atomics.wait`. */
const SPIN_MS = 2;

/** Bytes of one column tile of C (GEMM_COLS float32 columns): the unit the helpers split. */
const TILE_BYTES = GEMM_COLS * 4;

/** How long the caller polls for a helper to finish before it sleeps. */
const FINISH_SPIN_MS = 0.5;

export interface SpawnedHelper {
  /** Hands the helper a compiled module to instantiate as function `index` before its next job. */
  send(index: number, module: WebAssembly.Module): void;
  terminate(): void;
}

/**
 * Starts one helper thread over `memory`. It runs `HELPER_LOOP` with `shared` (the SharedArrayBuffer of
 * the counter and every control block) and `base` (the word where its own control block starts).
 */
export type SpawnHelper = (
  memory: WebAssembly.Memory,
  shared: SharedArrayBuffer,
  base: number,
) => SpawnedHelper;

/**
 * Bytes of a filter-gradient task's scratch: each participant's im2col chunk and product (at `col` and
 * `product` within its `stride`), and one block's accumulator (`slot`).
 */
export function filterScratch(rows: number, rowLen: number, cout: number) {
  const up = (n: number) => ((n + 3) & ~3) * 4;
  const product = up(rows * rowLen);
  const slot = up(cout * rowLen);
  return { col: 0, product, stride: product + slot, slot };
}

/**
 * im2col of output pixels [pixel0, pixel0 + rows) of a groups = 1 NHWC convolution, from x at float
 * index `px` of `f32` into the columns [rows, kh·kw·c] at float index `pcol` of the same heap: the layout
 * of the kit's im2col, bit for bit (copies and zeros only). Both on the heap, so every run is one
 * `copyWithin` or `fill` (a memmove) rather than a subarray and `set`: on ResNet-20's layers (batch 32,
 * 512-pixel chunks) 3.1 against 5.4 ms for the 16-channel 32×32 layer, 1.0 against 2.2 (32 channels,
 * 16×16) and 0.31 against 0.77 (64 channels, 8×8) per layer and step. The calling thread runs it, and
 * the helpers run its source text (FILTER_BLOCKS_SOURCE), so it must not refer to anything outside.
 */
export function im2colRows(
  f32: Float32Array,
  px: number,
  pcol: number,
  pixel0: number,
  rows: number,
  h: number,
  w: number,
  c: number,
  oh: number,
  ow: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  dh: number,
  dw: number,
  pt: number,
  pl: number,
): void {
  // Shorter window rows are copied float by float: a copyWithin call costs more.
  const shortRun = 32;
  let dst = pcol;
  for (let r = 0; r < rows; r++) {
    const pixel = pixel0 + r;
    const ox = pixel % ow;
    const oy = ((pixel - ox) / ow) % oh;
    const n = (pixel - ox - oy * ow) / (ow * oh);
    const iy0 = oy * sh - pt;
    const ix0 = ox * sw - pl;
    const wholeRow = dw === 1 && ix0 >= 0 && ix0 + kw <= w;
    for (let ky = 0; ky < kh; ky++) {
      const iy = iy0 + ky * dh;
      const inRows = iy >= 0 && iy < h;
      const rowBase = (n * h + iy) * w;
      if (wholeRow && inRows) {
        const run = kw * c;
        let src = px + (rowBase + ix0) * c;
        if (run < shortRun) for (let i = 0; i < run; i++) f32[dst++] = f32[src++];
        else {
          f32.copyWithin(dst, src, src + run);
          dst += run;
        }
        continue;
      }
      for (let kx = 0; kx < kw; kx++) {
        const ix = ix0 + kx * dw;
        if (!inRows || ix < 0 || ix >= w) f32.fill(0, dst, dst + c);
        else {
          const src = px + (rowBase + ix) * c;
          f32.copyWithin(dst, src, src + c);
        }
        dst += c;
      }
    }
  }
}

/**
 * im2colRows with the emitted `copy_rows` (codegen/copy-rows.ts; null: none): each run of window-inside
 * pixels of one output row is copied per window row by one strided SIMD copy (source pixels `sw` apart,
 * destination rows a column row apart) instead of one `copyWithin` per pixel and window row; ResNet-20's
 * 16-channel 32×32 layer (batch 32) made 98 K calls of 48 floats per step, and its filter gradient ran
 * 1.30× faster on one thread (1.20, 1.13, 1.07 on the stride-2, 16×16 and 8×8 layers). Pixels whose
 * window crosses the left or right edge, and dilated windows, take im2colRows. The same bits either way
 * (copies and zeros only). The helpers run its source text, so it refers to nothing else but im2colRows.
 */
export function im2colRuns(
  f32: Float32Array,
  copyRows: ((...args: number[]) => void) | null,
  px: number,
  pcol: number,
  pixel0: number,
  rows: number,
  h: number,
  w: number,
  c: number,
  oh: number,
  ow: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  dh: number,
  dw: number,
  pt: number,
  pl: number,
): void {
  if (copyRows === null || dw !== 1) {
    im2colRows(f32, px, pcol, pixel0, rows, h, w, c, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl);
    return;
  }
  const rowLen = kh * kw * c;
  const run = kw * c;
  // Output columns whose window lies inside the image: [oxFirst, oxLast].
  const oxFirst = Math.ceil(pl / sw);
  const oxLast = Math.floor((w - kw + pl) / sw);
  let r = 0;
  while (r < rows) {
    const pixel = pixel0 + r;
    const ox = pixel % ow;
    if (ox < oxFirst || ox > oxLast) {
      im2colRows(f32, px, pcol + r * rowLen, pixel, 1, h, w, c, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl);
      r++;
      continue;
    }
    const oy = ((pixel - ox) / ow) % oh;
    const n = (pixel - ox - oy * ow) / (ow * oh);
    const m = Math.min(oxLast + 1 - ox, rows - r);
    const ix0 = ox * sw - pl;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - pt + ky * dh;
      const dst = pcol + r * rowLen + ky * run;
      if (iy >= 0 && iy < h) {
        const src = px + ((n * h + iy) * w + ix0) * c;
        copyRows(src * 4, sw * c * 4, dst * 4, rowLen * 4, run * 4, m);
      } else for (let j = 0; j < m; j++) f32.fill(0, dst + j * rowLen, dst + j * rowLen + run);
    }
    r += m;
  }
}

/**
 * A helper's share of a filter-gradient task (TASK.filterBlocks): for each block in [b0, b1) and each of
 * its chunks in order, im2col of the chunk's output pixels (groups = 1, NHWC; the layout of the kit's
 * im2col), the chunk's GEMM dWᵀ_chunk [cout, kh·kw·cin] = dy_chunkᵀ · col, and the sum into the block's
 * accumulator (the elementwise module's add_v: the same float32 adds as a JavaScript loop, in SIMD) —
 * what the calling thread does for the blocks it takes. Source text: it runs in the
 * helper's worker, over the heap views `f32` and `i32`.
 */
const FILTER_BLOCKS_SOURCE = `
// Under the names the functions' texts call each other by (a bundler may rename them).
const ${im2colRows.name} = ${im2colRows.toString()};
const im2colRuns = ${im2colRuns.toString()};
function filterBlocks(gemm, copyRows, addV, f32, i32, task, slot, b0, b1) {
  const t = task >>> 2;
  const px = i32[t + ${FILTER_TASK.x}] >>> 2, pdy = i32[t + ${FILTER_TASK.dy}] >>> 0;
  const rows = i32[t + ${FILTER_TASK.rows}], h = i32[t + ${FILTER_TASK.h}], w = i32[t + ${FILTER_TASK.w}];
  const c = i32[t + ${FILTER_TASK.cin}], oh = i32[t + ${FILTER_TASK.oh}], ow = i32[t + ${FILTER_TASK.ow}];
  const kh = i32[t + ${FILTER_TASK.kh}], kw = i32[t + ${FILTER_TASK.kw}];
  const sh = i32[t + ${FILTER_TASK.sh}], sw = i32[t + ${FILTER_TASK.sw}];
  const dh = i32[t + ${FILTER_TASK.dh}], dw = i32[t + ${FILTER_TASK.dw}];
  const pt = i32[t + ${FILTER_TASK.pt}], pl = i32[t + ${FILTER_TASK.pl}], cout = i32[t + ${FILTER_TASK.cout}];
  const units = i32[t + ${FILTER_TASK.units}], blocks = i32[t + ${FILTER_TASK.blocks}];
  const rowLen = kh * kw * c, size = cout * rowLen;
  const pcol = (i32[t + ${FILTER_TASK.scratch}] >>> 0) + slot * (i32[t + ${FILTER_TASK.stride}] >>> 0);
  const pprod = pcol + ((rows * rowLen + 3) & ~3) * 4;
  const slotBytes = ((size + 3) & ~3) * 4;
  for (let b = b0; b < b1; b++) {
    const pacc = (i32[t + ${FILTER_TASK.slots}] >>> 0) + b * slotBytes;
    const first = Math.floor((b * units) / blocks), end = Math.floor(((b + 1) * units) / blocks);
    for (let chunk = first; chunk < end; chunk++) {
      im2colRuns(f32, copyRows, px, pcol >>> 2, chunk * rows, rows, h, w, c, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl);
      const into = chunk === first ? pacc : pprod;
      gemm(pdy + chunk * rows * cout * 4, pcol, into, 0, 0, i32[t + ${FILTER_TASK.columnBytes}], 1);
      if (chunk !== first) {
        if (addV) addV(pacc, pprod, pacc, size);
        else {
          const a = pacc >>> 2, p = pprod >>> 2;
          for (let i = 0; i < size; i++) f32[a + i] += f32[p + i];
        }
      }
    }
    Atomics.add(i32, t + ${FILTER_TASK.done} + slot, 1);
  }
}
`;

/**
 * The helper's program, as source text for a worker that defines `memory`, `shared`, `base` and
 * `receive()` (the next message from the caller, or undefined): wait, take chunks, report, repeat.
 */
export const HELPER_LOOP = `
const all = new Int32Array(shared);
const slot = base / ${CONTROL.words};
let f32 = new Float32Array(memory.buffer);
let i32 = new Int32Array(memory.buffer);
${FILTER_BLOCKS_SOURCE}
${runLstmBlocks.toString()}
// A module's exports: its gemm, or (the elementwise module, an LSTM block module) all of them.
const bound = (module) => {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  return exports.gemm ?? exports;
};
const c = new Int32Array(shared, base * 4, ${CONTROL.words});
const fns = [];
let seen = 0;
Atomics.store(c, ${CONTROL.started}, 1);
for (;;) {
  // Spin a short while before sleeping: a training step calls GEMMs a fraction of a millisecond apart.
  const until = performance.now() + ${SPIN_MS};
  while (Atomics.load(c, ${CONTROL.job}) === seen && Atomics.load(all, ${PARKED}) === 0 && performance.now() < until) {
    for (let spin = 0; spin < 256 && Atomics.load(c, ${CONTROL.job}) === seen; spin++);
  }
  while (Atomics.load(c, ${CONTROL.job}) === seen) Atomics.wait(c, ${CONTROL.job}, seen);
  seen = Atomics.load(c, ${CONTROL.job});
  if (c[${CONTROL.fn}] < 0) break;
  for (let m = receive(); m; m = receive()) {
    fns[m.index] = bound(m.module);
  }
  const generation = seen & ${GENERATION_MASK};
  Atomics.add(all, ${ACTIVE}, 1);
  try {
    for (;;) {
      const cur = Atomics.load(all, ${COUNTER});
      if (cur >>> ${TILE_BITS} !== generation) break;
      // Read after the counter showed this job: the caller writes them before it opens the counter.
      const tiles = c[${CONTROL.tiles}];
      const next = cur & ${TILE_MASK};
      if (next >= tiles) break;
      let f = fns[c[${CONTROL.fn}]];
      if (f === undefined) {
        // A job newer than the one this helper woke for (generations wrap): its module came since.
        for (let m = receive(); m; m = receive()) {
          fns[m.index] = bound(m.module);
        }
        f = fns[c[${CONTROL.fn}]];
        if (f === undefined) break;
      }
      const a = ${CONTROL.args};
      const pa = c[a], pb = c[a + 1], pc = c[a + 2], pd = c[a + 3];
      const kind = c[${CONTROL.kind}];
      const take = Math.max(1, Math.floor((tiles - next) / c[${CONTROL.parts}]));
      if (Atomics.compareExchange(all, ${COUNTER}, cur, cur + take) !== cur) continue;
      if (kind === ${TASK.filterBlocks}) {
        if (f32.buffer.byteLength !== memory.buffer.byteLength) {
          f32 = new Float32Array(memory.buffer);
          i32 = new Int32Array(memory.buffer);
        }
        const module = i32[(pa >>> 2) + ${FILTER_TASK.copyRows}];
        const passes = module > 0 ? fns[module - 1] : undefined;
        filterBlocks(f, passes?.copy_rows ?? null, passes?.add_v ?? null, f32, i32, pa, slot, next, next + take);
      } else if (kind === ${TASK.lstmBlocks}) {
        if (i32.buffer.byteLength !== memory.buffer.byteLength) {
          f32 = new Float32Array(memory.buffer);
          i32 = new Int32Array(memory.buffer);
        }
        runLstmBlocks(f, i32, pa, slot, next, next + take);
      } else f(pa, pb, pc, pd, next * ${TILE_BYTES}, (next + take) * ${TILE_BYTES}, 0);
    }
  } catch {
    Atomics.store(all, ${TRAPPED}, 1);
  }
  Atomics.sub(all, ${ACTIVE}, 1);
  Atomics.notify(all, ${ACTIVE});
}
`;

/** How long the helpers inside a job may take before they are given up. */
const STALL_MS = 10_000;

interface Helper {
  readonly spawned: SpawnedHelper;
  readonly control: Int32Array;
  readonly known: Set<number>;
  job: number;
}

/** A function the helpers can run: its module (sent once per helper) and its index among them. */
export interface SharedFunction {
  readonly module: WebAssembly.Module;
  readonly index: number;
}

export class KernelWorkers {
  private readonly helpers: Helper[] = [];
  private readonly all: Int32Array;
  private generation = 0;

  constructor(count: number, memory: WebAssembly.Memory, spawn: SpawnHelper) {
    const shared = new SharedArrayBuffer((count + 1) * CONTROL.words * 4);
    this.all = new Int32Array(shared);
    this.all[COUNTER] = CLOSED;
    for (let i = 0; i < count; i++) {
      const base = (i + 1) * CONTROL.words;
      this.helpers.push({
        spawned: spawn(memory, shared, base),
        control: new Int32Array(shared, base * 4, CONTROL.words),
        known: new Set(),
        job: 0,
      });
    }
  }

  get size(): number {
    return this.helpers.length;
  }

  /**
   * Runs `run(jb0, jb1)` (a column-tile range in bytes) over `tiles` tiles on the calling thread and
   * every helper that joins in time, each taking the next chunk (what is left ÷ `parts`, at least one
   * tile) until none are left; the helpers call `fn(pointers…, jb0, jb1, 0)`. Returns 'ok', 'trap' (a
   * helper's call trapped) or 'stalled' (a helper stopped answering inside a chunk: stop using them).
   */
  parallel(
    fn: SharedFunction,
    pointers: readonly [number, number, number, number],
    tiles: number,
    run: (jb0: number, jb1: number) => void,
  ): 'ok' | 'trap' | 'stalled' {
    return this.share(TASK.columns, fn, pointers, tiles, 2 * (this.helpers.length + 1), (u0, u1) =>
      run(u0 * TILE_BYTES, u1 * TILE_BYTES),
    );
  }

  /**
   * Runs the `blocks` blocks of a filter-gradient task (TASK.filterBlocks; `task` its FILTER_TASK words)
   * one block at a time on the calling thread (`run(b0, b1)`, participant 0) and every helper that joins.
   */
  filterBlocks(
    fn: SharedFunction,
    task: number,
    blocks: number,
    run: (b0: number, b1: number) => void,
    uses: readonly SharedFunction[] = [],
  ): 'ok' | 'trap' | 'stalled' {
    // parts = blocks: one block per take.
    return this.share(TASK.filterBlocks, fn, [task, 0, 0, 0], blocks, Math.max(1, blocks), run, uses);
  }

  /**
   * Runs the `blocks` row blocks of an LSTM recurrence (TASK.lstmBlocks; `task` its LSTM_TASK words) one
   * block at a time on the calling thread (`run(b0, b1)`, participant 0) and every helper that joins.
   */
  lstmBlocks(
    fn: SharedFunction,
    task: number,
    blocks: number,
    run: (b0: number, b1: number) => void,
  ): 'ok' | 'trap' | 'stalled' {
    return this.share(TASK.lstmBlocks, fn, [task, 0, 0, 0], blocks, Math.max(1, blocks), run);
  }

  /** Participants: the calling thread and the helpers (helper i is participant i + 1). */
  get participants(): number {
    return this.helpers.length + 1;
  }

  private share(
    kind: number,
    fn: SharedFunction,
    pointers: readonly [number, number, number, number],
    tiles: number,
    parts: number,
    run: (u0: number, u1: number) => void,
    uses: readonly SharedFunction[] = [],
  ): 'ok' | 'trap' | 'stalled' {
    if (tiles > TILE_MASK) {
      run(0, tiles);
      return 'ok';
    }
    this.generation = (this.generation + 1) & GENERATION_MASK;
    const open = this.generation << TILE_BITS;
    Atomics.store(this.all, TRAPPED, 0);
    for (const helper of this.helpers) {
      for (const f of [fn, ...uses]) {
        if (!helper.known.has(f.index)) {
          helper.spawned.send(f.index, f.module);
          helper.known.add(f.index);
        }
      }
      const c = helper.control;
      c[CONTROL.fn] = fn.index;
      c[CONTROL.kind] = kind;
      for (let i = 0; i < 4; i++) c[CONTROL.args + i] = pointers[i];
      c[CONTROL.tiles] = tiles;
      c[CONTROL.parts] = parts;
    }
    // Opened after the arguments are written: a helper that sees this generation reads this job's.
    Atomics.store(this.all, PARKED, 0);
    Atomics.store(this.all, COUNTER, open);
    for (const helper of this.helpers) {
      helper.job = (helper.job + 1) | 0;
      Atomics.store(helper.control, CONTROL.job, helper.job);
      Atomics.notify(helper.control, CONTROL.job);
    }
    for (;;) {
      const cur = Atomics.load(this.all, COUNTER);
      const next = cur & TILE_MASK;
      if (next >= tiles) break;
      const take = Math.max(1, Math.floor((tiles - next) / parts));
      if (Atomics.compareExchange(this.all, COUNTER, cur, cur + take) !== cur) continue;
      run(next, next + take);
    }
    // Every tile is taken: close the job, so a helper that wakes from now on takes nothing, and wait
    // only for those still inside a chunk.
    Atomics.store(this.all, COUNTER, CLOSED);
    if (!this.drain()) return 'stalled';
    return Atomics.load(this.all, TRAPPED) === 0 ? 'ok' : 'trap';
  }

  /** Tells idle helpers to stop spinning and sleep until the next job (XNNPACK's pool needs the cores). */
  park(): void {
    if (this.all[PARKED] === 0) Atomics.store(this.all, PARKED, 1);
  }

  /** Waits until no helper is inside a job; false if one stays inside for STALL_MS. */
  private drain(): boolean {
    // A helper inside is at most a chunk behind: poll for a bounded time (a futex wake of this thread
    // costs more than a tile on a VM), then sleep, so that a helper sharing this core is not starved.
    const spinUntil = performance.now() + FINISH_SPIN_MS;
    while (Atomics.load(this.all, ACTIVE) !== 0 && performance.now() < spinUntil) {
      for (let spin = 0; spin < 256 && Atomics.load(this.all, ACTIVE) !== 0; spin++);
    }
    const deadline = performance.now() + STALL_MS;
    for (let active = Atomics.load(this.all, ACTIVE); active !== 0; active = Atomics.load(this.all, ACTIVE)) {
      if (performance.now() > deadline) return false;
      Atomics.wait(this.all, ACTIVE, active, 50);
    }
    return true;
  }

  terminate(): void {
    for (const helper of this.helpers) {
      helper.control[CONTROL.fn] = -1;
      helper.job = (helper.job + 1) | 0;
      Atomics.store(helper.control, CONTROL.job, helper.job);
      Atomics.notify(helper.control, CONTROL.job);
      helper.spawned.terminate();
    }
    this.helpers.length = 0;
  }
}
