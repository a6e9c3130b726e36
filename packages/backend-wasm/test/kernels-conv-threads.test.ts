// The conv filter gradient shared with the helper threads (threaded build): through autograd against
// backend-cpu on shapes that take the shared path (even chunks, a left-over chunk, stride, dilation), and
// the helper's own share (its im2col, GEMM and block sums) checked directly against a plain loop, and the
// gradient's bits the same whichever thread takes which block.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmittedKernels } from '../src/codegen/emitted-kernels.js';
import type { GemmShape } from '../src/codegen/gemm.js';
import { nodePlatform } from '../src/node/node-platform.js';
import type { WasmBackend } from '../src/node.js';
import { FILTER_TASK, filterScratch, KernelWorkers } from '../src/runtime/kernel-workers.js';
import {
  type ConvCase,
  convOf,
  expectMatchesCpu,
  expectNoLeak,
  filterGradBits,
  randn,
  useWasm,
} from './helpers.js';

const W = 'wasm-conv-threads';
let backend: WasmBackend;
beforeAll(async () => {
  backend = await useWasm(W, { threads: 2 });
});
afterAll(() => backend.dispose());

// Each is above the sharing thresholds (at least two chunks of 32 K multiply-adds, 1 M in all); those of
// 16 or fewer output channels take the direct loop instead (conv2d-grad-filter-small.ts), here with a
// helper configured.
const cases: [string, ConvCase][] = [
  [
    'LeNet conv1 (Cout 20): shared, 28 chunks of 448 pixels',
    { x: [16, 28, 28, 1], f: [5, 5, 1, 20], padding: 'same' },
  ],
  ['LeNet conv2 (Cout 20): shared, 4 chunks of 400', { x: [16, 14, 14, 6], f: [5, 5, 6, 20] }],
  [
    'LeNet conv1: 5x5 same, one input channel, 28 chunks of 448 pixels',
    { x: [16, 28, 28, 1], f: [5, 5, 1, 6], padding: 'same' },
  ],
  ['LeNet conv2: 5x5 valid, 4 chunks of 400', { x: [16, 14, 14, 6], f: [5, 5, 6, 16] }],
  ['3x3 stride 2 same', { x: [16, 16, 16, 16], f: [3, 3, 16, 32], strides: 2, padding: 'same' }],
  [
    'dilation 2, chunks of 323 pixels',
    { x: [4, 17, 19, 8], f: [3, 3, 8, 12], dilations: 2, padding: 'same' },
  ],
  [
    '1147 pixels: two chunks of 512 and 123 left over',
    { x: [1, 31, 37, 8], f: [3, 3, 8, 16], padding: 'same' },
  ],
];

describe('conv2d filter gradient on two threads', () => {
  it('runs on the threaded build with a helper', () => {
    expect(backend.info()).toMatchObject({ build: 'threaded-simd', threads: 2 });
    expect(backend.runtime.instance.emitted?.participants).toBe(2);
  });
  for (const [name, c] of cases) {
    it(name, () => expectMatchesCpu(W, [randn(c.x, 1), randn(c.f, 2)], convOf(c)));
  }
});

describe("a helper's share of the filter gradient", () => {
  it("builds im2col, multiplies and sums each block's chunks into the block's accumulator (pads, stride 2, tail columns)", () => {
    // x [2, 9, 7, 3], 3×3 window, stride 2, pads 1: 5×4 output pixels per image, 40 in all; chunks of 8.
    const g = {
      n: 2,
      h: 9,
      w: 7,
      c: 3,
      kh: 3,
      kw: 3,
      sh: 2,
      sw: 2,
      dh: 1,
      dw: 1,
      pt: 1,
      pl: 1,
      oh: 5,
      ow: 4,
    };
    const cout = 9;
    const rows = 8;
    const units = (g.n * g.oh * g.ow) / rows;
    // Five chunks in three blocks: [0, 1), [1, 3), [3, 5).
    const blocks = 3;
    const rowLen = g.kh * g.kw * g.c; // 27: three column tiles and three tail columns
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 16, shared: true });
    const f32 = new Float32Array(memory.buffer);
    const i32 = new Int32Array(memory.buffer);
    const xAt = 1024;
    const dyAt = xAt + 4096;
    const blockAt = dyAt + 4096;
    const scratchAt = blockAt + 1024;
    const xs = g.n * g.h * g.w * g.c;
    for (let i = 0; i < xs; i++) f32[xAt / 4 + i] = Math.sin(i * 0.37) + 0.1;
    for (let i = 0; i < g.n * g.oh * g.ow * cout; i++) f32[dyAt / 4 + i] = Math.cos(i * 0.21);
    const layout = filterScratch(rows, rowLen, cout);
    const slotsAt = scratchAt + 2 * layout.stride;
    const words: Record<string, number> = {
      x: xAt,
      dy: dyAt,
      scratch: scratchAt,
      stride: layout.stride,
      rows,
      h: g.h,
      w: g.w,
      cin: g.c,
      oh: g.oh,
      ow: g.ow,
      kh: g.kh,
      kw: g.kw,
      sh: g.sh,
      sw: g.sw,
      dh: g.dh,
      dw: g.dw,
      pt: g.pt,
      pl: g.pl,
      cout,
      columnBytes: Math.floor(rowLen / 8) * 32,
      units,
      blocks,
      slots: slotsAt,
    };
    for (const [k, v] of Object.entries(words))
      i32[blockAt / 4 + FILTER_TASK[k as keyof typeof FILTER_TASK]] = v;
    const emitted = new EmittedKernels(memory, true);
    emitted.useHelpers(new KernelWorkers(1, memory, nodePlatform.spawnHelper!));
    // Parked (as before an XNNPACK call on the pool), the helper must still wake for the next job.
    emitted.parkHelpers();
    const shape: GemmShape = { m: cout, k: rows, n: rowLen, transA: true, bias: false, activation: 'linear' };
    const mine = new Set<number>();
    const helperDone = blockAt / 4 + FILTER_TASK.done + 1;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    try {
      emitted.filterBlocks(shape, blockAt, blocks, (b0, b1) => {
        for (let b = b0; b < b1; b++) mine.add(b);
        // Hold the first block until the helper has finished one, so that it surely takes a share.
        for (let t = 0; mine.size === 1 && Atomics.load(i32, helperDone) === 0 && t < 1000; t++)
          Atomics.wait(pause, 0, 0, 10);
      });
    } finally {
      emitted.terminate();
    }
    expect(Atomics.load(i32, helperDone)).toBe(blocks - mine.size);
    expect(mine.size).toBeLessThan(blocks);
    const blockOf = (chunk: number) => [0, 1, 1, 2, 2][chunk];
    for (let b = 0; b < blocks; b++) if (!mine.has(b)) helperBlock(b);
    // The plain loop over block b's chunks: dWᵀ[co, (ky, kx, ci)] = Σ dy[p, co] · x[tap].
    function helperBlock(b: number) {
      const want = new Float64Array(cout * rowLen);
      for (let p = 0; p < g.n * g.oh * g.ow; p++) {
        if (blockOf(Math.floor(p / rows)) !== b) continue;
        const ox = p % g.ow;
        const oy = Math.floor(p / g.ow) % g.oh;
        const n = Math.floor(p / (g.ow * g.oh));
        for (let ky = 0; ky < g.kh; ky++)
          for (let kx = 0; kx < g.kw; kx++)
            for (let ci = 0; ci < g.c; ci++) {
              const iy = oy * g.sh - g.pt + ky;
              const ix = ox * g.sw - g.pl + kx;
              if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
              const xv = f32[xAt / 4 + ((n * g.h + iy) * g.w + ix) * g.c + ci];
              for (let co = 0; co < cout; co++)
                want[co * rowLen + (ky * g.kw + kx) * g.c + ci] += f32[dyAt / 4 + p * cout + co] * xv;
            }
      }
      const acc = (slotsAt + b * layout.slot) / 4;
      const got = Array.from(f32.subarray(acc, acc + cout * rowLen));
      got.forEach((v, i) => {
        expect(Math.abs(v - want[i])).toBeLessThan(1e-4 * (1 + Math.abs(want[i])));
      });
    }
  });
});

describe('the shared filter gradient does not depend on which thread takes which block', () => {
  // The same gradient, bit for bit, whoever takes the blocks: what a reproducible run and a bit-identical
  // --resume rest on. Float32 sums in another grouping differ in the last bits, so any scheduling-dependent
  // grouping of the pixel chunks shows here.
  const convs: [string, ConvCase][] = [
    // LeNet's shapes with 20 output channels: 16 or fewer take the direct loop (conv2d-grad-filter-small.ts).
    [
      'LeNet conv1 (Cout 20): 28 chunks in 8 blocks',
      { x: [16, 28, 28, 1], f: [5, 5, 1, 20], padding: 'same' },
    ],
    ['LeNet conv2 (Cout 20): 4 chunks in 4 blocks', { x: [16, 14, 14, 6], f: [5, 5, 6, 20] }],
  ];

  /** The first element where `got` and `want` differ in any bit, or -1. */
  const firstDifference = (got: Uint32Array, want: Uint32Array) =>
    got.length !== want.length ? 0 : got.findIndex((v, i) => v !== want[i]);

  for (const [name, c] of convs) {
    it(name, async () => {
      const instance = backend.runtime.instance;
      const emitted = instance.emitted!;
      const runs: [string, Uint32Array][] = [];
      /** Per held run: the blocks the helper finished, of how many. */
      const helperShare: [number, number][] = [];
      await expectNoLeak(() => {
        // (c) Normal runs, repeated.
        for (let r = 0; r < 5; r++) runs.push([`normal run ${r}`, filterGradBits(c)]);
        // (a) The caller holds the first block it takes until the helper has taken and finished every
        // other block.
        const shared = emitted.filterBlocks;
        emitted.filterBlocks = (shape, task, blocks, run) => {
          const helperDone = () => Atomics.load(instance.i32, (task >>> 2) + FILTER_TASK.done + 1);
          const pause = new Int32Array(new SharedArrayBuffer(4));
          shared.call(emitted, shape, task, blocks, (b0, b1) => {
            for (let t = 0; helperDone() + (b1 - b0) < blocks && t < 200; t++) Atomics.wait(pause, 0, 0, 5);
            run(b0, b1);
          });
          helperShare.push([helperDone(), blocks]);
        };
        try {
          for (let r = 0; r < 3; r++) runs.push([`helper takes all it can, run ${r}`, filterGradBits(c)]);
        } finally {
          Reflect.deleteProperty(emitted, 'filterBlocks');
        }
        // (b) A helper that never joins (configured, so the same two participants): the caller takes
        // every block.
        emitted.terminate();
        instance.startKernelHelpers(1, () => ({ send() {}, terminate() {} }));
        try {
          runs.push(['caller takes every block', filterGradBits(c)]);
        } finally {
          emitted.terminate();
          instance.startKernelHelpers(1, nodePlatform.spawnHelper!);
        }
      });
      const [, want] = runs[0];
      for (const [what, got] of runs) expect(firstDifference(got, want), what).toBe(-1);
      // The held runs did hand the helper every block but the one the caller held (or all of them, where
      // the helper took the first block before the caller could).
      expect(helperShare.length).toBe(3);
      expect(helperShare.some(([done, blocks]) => blocks > 1 && done >= blocks - 1)).toBe(true);
      expect(emitted.participants).toBe(2);
    });
  }
});
