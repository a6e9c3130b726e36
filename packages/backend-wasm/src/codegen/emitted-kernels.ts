/**
 * Kernels emitted at run time for one instance's memory. Compiled modules are shared by every instance
 * (they import the memory, they do not own it) and kept per shape; each instance binds its own copy.
 * Only SIMD builds get them: the plain build is the fallback for engines without SIMD. On the threaded
 * build, helper threads (kernel-workers.ts) take a share of each large GEMM's column tiles.
 */
import { FILTER_TASK, type KernelWorkers, type SharedFunction } from '../runtime/kernel-workers.js';
import { type LstmBlockExports, runLstmBlocks } from '../runtime/lstm-blocks.js';
import { TimedChoice } from '../runtime/timed-choice.js';
import { columnSumFunction } from './column-sum.js';
import { copyRowsFunction } from './copy-rows.js';
import { elementwiseFunctions } from './elementwise.js';
import { GEMM_COLS, type GemmCall, type GemmShape, gemmFunction, gemmKey } from './gemm.js';
import { HELPER_CHOICE } from './helper-choice.js';
import { type LstmRows, lstmBackwardFunction, lstmForwardFunction } from './lstm-gates.js';
import { nanScanFunction } from './nan-scan.js';
import { scaleShiftFunction } from './scale-shift.js';
import { transposeFunction } from './transpose.js';
import { type UpdateProgram, updateFunction } from './update-pass.js';
import type { FunctionSpec } from './wasm-encoder.js';
import { moduleBytes } from './wasm-encoder.js';
import { whereFunction } from './where.js';

/** Shapes kept compiled; a model has a few dozen matmul shapes, a long-running process may see more. */
const MAX_SHAPES = 512;
/** Multiply-adds below which a GEMM stays on the calling thread (waking a helper costs ~10-50 µs). */
export const SPLIT_WORK = 1_000_000;

const modules = new Map<string, WebAssembly.Module>();
/** Shaped kernels (shareShaped), by build and key. */
const shapedModules = new Map<string, WebAssembly.Module>();
const elementwiseModules = new Map<boolean, WebAssembly.Module>();
const updateModules = new Map<string, WebAssembly.Module>();

const lstmModules = new Map<string, WebAssembly.Module>();
const lstmBlockModules = new Map<string, WebAssembly.Module>();

/** Row lengths (floats) of the forward and backward step products (lstm-blocks.ts, stepStride). */
export interface LstmStrides {
  readonly forward: number;
  readonly backward: number;
}

/** `f(in0…, out0…, pscalars, n)`: see update-pass.ts. */
export type UpdatePass = (...pointersThenN: number[]) => void;

/** `f(pa, pb, pout, n)`: see elementwise.ts (row variants take the row length after n; the other
 * functions of the module their own arguments, in their files). */
export type ElementwisePass = (...args: number[]) => void;

/** `f(px, pacc, pout, red, inner)`: see column-sum.ts. */
export type ColumnSum = (px: number, pacc: number, pout: number, red: number, inner: number) => void;

function compiled(shape: GemmShape, key: string, shared: boolean): WebAssembly.Module {
  const full = `${shared ? 's' : 'u'}:${key}`;
  let m = modules.get(full);
  if (m === undefined) {
    if (modules.size >= MAX_SHAPES) modules.delete(modules.keys().next().value!);
    m = new WebAssembly.Module(moduleBytes([gemmFunction(shape)], shared));
    modules.set(full, m);
  }
  return m;
}

interface BoundGemm {
  readonly call: GemmCall;
  readonly module: WebAssembly.Module;
  /** The helpers' name for it. */
  readonly index: number;
}

export class EmittedKernels {
  private readonly gemms = new Map<string, BoundGemm>();
  private nextIndex = 0;
  private helpers: KernelWorkers | null = null;
  /** Why the helpers were given up, if they were. */
  helperFailure: string | null = null;

  /**
   * @param fma GEMMs use relaxed SIMD's multiply-add (see gemm.ts); the caller checks the engine has it.
   */
  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly shared: boolean,
    readonly fma = false,
  ) {}

  private passes: Record<string, ElementwisePass> | null = null;

  /**
   * The elementwise passes (`add_v`, `add_s`, `add_row`, …, `sqrt`, `square`, `relu`; `sum_columns`,
   * `scale_shift`, `copy_rows`, `has_nan`, `transpose_f32` and `where_32` of column-sum.ts,
   * scale-shift.ts, copy-rows.ts, nan-scan.ts, transpose.ts and where.ts) bound to this heap.
   */
  elementwise(): Record<string, ElementwisePass> {
    if (this.passes === null) {
      let m = elementwiseModules.get(this.shared);
      if (m === undefined) {
        m = new WebAssembly.Module(
          moduleBytes(
            [
              ...elementwiseFunctions(),
              columnSumFunction(),
              scaleShiftFunction(),
              copyRowsFunction(),
              nanScanFunction(),
              transposeFunction(),
              whereFunction(),
            ],
            this.shared,
          ),
        );
        elementwiseModules.set(this.shared, m);
      }
      const instance = new WebAssembly.Instance(m, { env: { memory: this.memory } });
      this.passes = instance.exports as unknown as Record<string, ElementwisePass>;
      this.passesShared = { module: m, index: this.nextIndex++ };
    }
    return this.passes;
  }

  /** The elementwise module as the helpers know it (their filter-gradient share uses its copy_rows). */
  private passesShared: SharedFunction | null = null;

  /** The float64-accumulated column sum of column-sum.ts, bound to this heap. */
  columnSum(): ColumnSum {
    return this.elementwise().sum_columns as unknown as ColumnSum;
  }

  private readonly updates = new Map<string, UpdatePass>();

  /** The fused pass of `program` (an optimizer update) bound to this heap; `key` names the program. */
  update(key: string, program: () => UpdateProgram): UpdatePass {
    let f = this.updates.get(key);
    if (f === undefined) {
      const full = `${this.shared ? 's' : 'u'}:${key}`;
      let m = updateModules.get(full);
      if (m === undefined) {
        m = new WebAssembly.Module(moduleBytes([updateFunction(program())], this.shared));
        updateModules.set(full, m);
      }
      f = new WebAssembly.Instance(m, { env: { memory: this.memory } }).exports.update as UpdatePass;
      this.updates.set(key, f);
    }
    return f;
  }

  private readonly lstm = new Map<number, LstmRows>();

  /** The LSTM cell rows for `hidden` columns (a multiple of 4) bound to this heap. */
  lstmRows(hidden: number): LstmRows {
    let rows = this.lstm.get(hidden);
    if (rows === undefined) {
      const full = `${this.shared ? 's' : 'u'}:${hidden}`;
      let m = lstmModules.get(full);
      if (m === undefined) {
        if (lstmModules.size >= MAX_SHAPES) lstmModules.delete(lstmModules.keys().next().value!);
        const fns = [lstmForwardFunction(hidden), lstmBackwardFunction(hidden)];
        m = new WebAssembly.Module(moduleBytes(fns, this.shared));
        lstmModules.set(full, m);
      }
      rows = new WebAssembly.Instance(m, { env: { memory: this.memory } }).exports as unknown as LstmRows;
      this.lstm.set(hidden, rows);
    }
    return rows;
  }

  private readonly shaped = new Map<
    string,
    { exports: WebAssembly.Exports; module: WebAssembly.Module; index: number }
  >();

  /**
   * The module of `functions()` (a kernel specialised to a shape; `key` names it) bound to this heap,
   * compiled once per key for every instance and kept like the GEMMs, with its index for the helpers.
   */
  private bindShaped(key: string, functions: () => FunctionSpec[]) {
    let x = this.shaped.get(key);
    if (x === undefined) {
      const full = `${this.shared ? 's' : 'u'}:${key}`;
      let m = shapedModules.get(full);
      if (m === undefined) {
        if (shapedModules.size >= MAX_SHAPES) shapedModules.delete(shapedModules.keys().next().value!);
        m = new WebAssembly.Module(moduleBytes(functions(), this.shared));
        shapedModules.set(full, m);
      }
      if (this.shaped.size >= MAX_SHAPES) this.shaped.delete(this.shaped.keys().next().value!);
      const exports = new WebAssembly.Instance(m, { env: { memory: this.memory } }).exports;
      x = { exports, module: m, index: this.nextIndex++ };
      this.shaped.set(key, x);
    }
    return x;
  }

  /**
   * Runs the shaped kernel `key`'s `gemm` export — `gemm(p0, p1, p2, p3, u0, u1, 0)` over units
   * [u0, u1) given in column-tile bytes, as a GEMM's (unit u is bytes [32u, 32u + 32)) — over `units`
   * units, shared with the helpers like a GEMM's column tiles where that has been faster for this
   * kernel (helper-choice.ts: a busy machine often leaves a helper unscheduled). The kernel makes its
   * units independent (disjoint outputs, or sums of fixed blocks added in order), so the result does
   * not depend on who took which. Throws like `gemm` if a helper trapped or stalled.
   */
  shareShaped(
    key: string,
    functions: () => FunctionSpec[],
    pointers: readonly [number, number, number, number],
    units: number,
  ): void {
    const f = this.bindShaped(key, functions);
    const call = f.exports.gemm as unknown as GemmCall;
    const [p0, p1, p2, p3] = pointers;
    const helpers = this.helpers;
    const alone = () => call(p0, p1, p2, p3, 0, units * GEMM_COLS * 4, 0);
    if (!helpers || units < 2) {
      alone();
      return;
    }
    this.helperChoice.run(
      key,
      () =>
        this.settle(
          helpers,
          helpers.parallel(f, pointers, units, (u0, u1) => call(p0, p1, p2, p3, u0, u1, 0)),
        ),
      alone,
    );
  }

  /** Per shaped kernel: with the helpers or alone, whichever has been faster (helper-choice.ts). */
  private readonly helperChoice = new TimedChoice(HELPER_CHOICE);

  useHelpers(helpers: KernelWorkers): void {
    this.helpers = helpers;
  }

  get helperCount(): number {
    return this.helpers?.size ?? 0;
  }

  private bind(shape: GemmShape): BoundGemm {
    const key = gemmKey(shape);
    let g = this.gemms.get(key);
    if (g === undefined) {
      if (this.gemms.size >= MAX_SHAPES) this.gemms.delete(this.gemms.keys().next().value!);
      const module = compiled(shape, key, this.shared);
      const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
      g = { call: instance.exports.gemm as GemmCall, module, index: this.nextIndex++ };
      this.gemms.set(key, g);
    }
    return g;
  }

  /** The GEMM of `shape` bound to this heap, for the calling thread's own calls. */
  gemmCall(shape: GemmShape): GemmCall {
    return this.bind(this.fma ? { ...shape, fma: true } : shape).call;
  }

  /** Participants in a shared task: the calling thread and the helpers. */
  get participants(): number {
    return this.helpers ? this.helpers.participants : 1;
  }

  /**
   * Shares the `blocks` blocks of a conv filter gradient (kernel-workers.ts, TASK.filterBlocks; `task`
   * the task's words, `shape` each chunk's GEMM) between the helpers and the calling thread, which runs
   * `run(b0, b1)` for the blocks it takes. Throws like `gemm` if a helper trapped or stalled.
   */
  filterBlocks(shape: GemmShape, task: number, blocks: number, run: (b0: number, b1: number) => void): void {
    const helpers = this.helpers;
    if (!helpers) {
      run(0, blocks);
      return;
    }
    const g = this.bind(this.fma ? { ...shape, fma: true } : shape);
    this.elementwise();
    const passes = this.passesShared!;
    new Int32Array(this.memory.buffer, task, FILTER_TASK.copyRows + 1)[FILTER_TASK.copyRows] =
      passes.index + 1;
    this.settle(helpers, helpers.filterBlocks(g, task, blocks, run, [passes]));
  }

  private settle(helpers: KernelWorkers, r: 'ok' | 'trap' | 'stalled'): void {
    if (r === 'stalled') {
      this.helperFailure = 'a kernel helper thread stopped answering; emitted kernels run on one thread';
      this.helpers = null;
      helpers.terminate();
      throw new Error(this.helperFailure);
    }
    if (r === 'trap') throw new Error('a helper thread trapped in an emitted kernel');
  }

  /**
   * C = act(A·B + bias) at the given heap addresses (bias 0: none). Large products are split by column
   * tiles between the helpers and the calling thread, which takes the last share and the tail columns.
   * Throws if a helper's share trapped (the caller treats it like an abort). `maySplit: false` keeps it
   * on the calling thread (a kernel's many small products in a row, where waking helpers does not pay).
   */
  gemm(shape: GemmShape, pa: number, pb: number, pc: number, pbias: number, maySplit = true): void {
    const g = this.bind(this.fma ? { ...shape, fma: true } : shape);
    const tiles = Math.floor(shape.n / GEMM_COLS);
    const helpers = maySplit ? this.helpers : null;
    if (!helpers || tiles < 2 || shape.m * shape.k * shape.n < SPLIT_WORK) {
      g.call(pa, pb, pc, pbias, 0, tiles * GEMM_COLS * 4, 1);
      return;
    }
    // Always shared above SPLIT_WORK: a timed choice per shape (as the shaped kernels have) was tried; on
    // a quiet 2-core machine it ran W3 at 29.7-31.0 K samples/s against 41.8-42.5 K always shared (W8 and
    // W9 within their run-to-run spread), so the split is not second-guessed here.
    const r = helpers.parallel(g, [pa, pb, pc, pbias], tiles, (jb0, jb1) =>
      g.call(pa, pb, pc, pbias, jb0, jb1, 0),
    );
    // The N mod 8 tail columns.
    g.call(pa, pb, pc, pbias, tiles * GEMM_COLS * 4, tiles * GEMM_COLS * 4, 1);
    this.settle(helpers, r);
  }

  private readonly lstmBlockFns = new Map<
    string,
    { exports: LstmBlockExports; module: WebAssembly.Module; index: number }
  >();

  /**
   * Runs the `blocks` row blocks of an LSTM recurrence (lstm-blocks.ts; `task` the address of its
   * LSTM_TASK words, `rows` batch rows per block, `hidden` a multiple of 4, at least 8) on the calling
   * thread and the helpers, each block by whoever takes it. Throws like `gemm` if a helper trapped or
   * stalled.
   */
  lstmBlocks(hidden: number, rows: number, strides: LstmStrides, task: number, blocks: number): void {
    const bound = this.lstmBlockModule(hidden, rows, strides);
    const run = (b0: number, b1: number) =>
      runLstmBlocks(bound.exports, new Int32Array(this.memory.buffer), task, 0, b0, b1);
    const helpers = this.helpers;
    if (!helpers || blocks < 2) {
      run(0, blocks);
      return;
    }
    // Shared or on this thread alone, whichever has been faster (a busy machine often leaves the helper
    // unscheduled for milliseconds, and a block is a whole sequence); the same bits either way.
    const backward = new Int32Array(this.memory.buffer)[task >>> 2];
    this.helperChoice.run(
      `lstm:${hidden},${rows},${strides.forward},${strides.backward},${blocks},${backward}`,
      () => this.settle(helpers, helpers.lstmBlocks(bound, task, blocks, run)),
      () => run(0, blocks),
    );
  }

  /**
   * The step GEMMs and rows of an LSTM row block of `rows` rows (lstm-blocks.ts) bound to this heap; the
   * step products' rows are `strides` floats long (the task's `stride` word of each direction).
   */
  lstmBlockModule(
    hidden: number,
    rows: number,
    strides: LstmStrides,
  ): { exports: LstmBlockExports; module: WebAssembly.Module; index: number } {
    const fma = this.fma;
    const key = `${this.shared ? 's' : 'u'}:${hidden},${rows},${strides.forward},${strides.backward}${fma ? ',fma' : ''}`;
    let bound = this.lstmBlockFns.get(key);
    if (bound === undefined) {
      let module = lstmBlockModules.get(key);
      if (module === undefined) {
        if (lstmBlockModules.size >= MAX_SHAPES)
          lstmBlockModules.delete(lstmBlockModules.keys().next().value!);
        const step = (k: number, n: number): GemmShape => ({
          m: rows,
          k,
          n,
          transA: false,
          bias: false,
          activation: 'linear',
          ...(fma ? { fma: true } : {}),
        });
        const fns = [
          { ...gemmFunction(step(hidden, strides.forward)), name: 'gemm_forward' },
          { ...gemmFunction(step(4 * hidden, strides.backward)), name: 'gemm_backward' },
          lstmForwardFunction(hidden),
          lstmBackwardFunction(hidden),
        ];
        module = new WebAssembly.Module(moduleBytes(fns, this.shared));
        lstmBlockModules.set(key, module);
      }
      const exports = new WebAssembly.Instance(module, { env: { memory: this.memory } })
        .exports as unknown as LstmBlockExports;
      bound = { exports, module, index: this.nextIndex++ };
      this.lstmBlockFns.set(key, bound);
    }
    return bound;
  }

  /** Idle helpers sleep instead of spinning (called before an operator runs on XNNPACK's pool). */
  parkHelpers(): void {
    this.helpers?.park();
  }

  terminate(): void {
    this.helpers?.terminate();
    this.helpers = null;
  }
}
