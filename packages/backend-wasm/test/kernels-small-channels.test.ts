// The emitted kernels for small-channel convnets (LeNet-5): the direct conv filter gradient for 4-16
// output channels (codegen/small-conv-filter.ts), the direct forward convolution for Cin ≤ 4 and 4-8
// output channels (codegen/small-conv-forward.ts) and max pooling's gradient over tiling windows
// (codegen/max-pool-grad.ts) and average pooling's (codegen/avg-pool-grad.ts), through autograd against backend-cpu, on both sides of each gate (which
// path ran is read from the emitted kernels' keys).
import {
  avgPool2d,
  conv2d,
  maxPool2d,
  memory,
  mul,
  type Padding,
  setBackend,
  sum,
  type Tensor,
  tensor,
  tidy,
  valueAndGrad,
} from '@dendrite/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HELPER_CHOICE } from '../src/codegen/helper-choice.js';
import type { WasmBackend } from '../src/node.js';
import { TimedChoice } from '../src/runtime/timed-choice.js';
import {
  type ConvCase,
  CPU,
  convOf,
  expectMatchesCpu,
  filterGradBits,
  type Input,
  randn,
  shapedKeysDuring,
  useWasm,
} from './helpers.js';

const W = 'wasm-small-channels';
let backend: WasmBackend;
beforeAll(async () => {
  backend = await useWasm(W);
});

/** The shaped-kernel keys `f` ran on the one-thread backend. */
const keysDuring = (f: () => Promise<void>) => shapedKeysDuring(backend, f);

interface DirectCase extends ConvCase {
  /** Whether the case takes the direct loop. */
  readonly direct: boolean;
}

const asymmetricWidePads: [string, DirectCase] = [
  'asymmetric pads wider than the window',
  {
    x: [1, 4, 5, 2],
    f: [2, 2, 2, 6],
    padding: [
      [2, 1],
      [0, 3],
    ],
    direct: true,
  },
];

/**
 * Each case through autograd against backend-cpu (x and f from randn with seeds `seeds`), expecting the
 * emitted kernel whose keys start with `prefix` to run exactly where the case says it is direct.
 */
function directCases(cases: [string, DirectCase][], prefix: string, seeds: [number, number]): void {
  for (const [name, c] of cases) {
    it(name, async () => {
      const keys = await keysDuring(() =>
        expectMatchesCpu(W, [randn(c.x, seeds[0]), randn(c.f, seeds[1])], convOf(c)),
      );
      expect(keys.some((k) => k.startsWith(prefix))).toBe(c.direct);
    });
  }
}

const convs: [string, DirectCase][] = [
  [
    'LeNet conv1: 5x5 same, Cin 1, Cout 6',
    { x: [3, 28, 28, 1], f: [5, 5, 1, 6], padding: 'same', direct: true },
  ],
  ['LeNet conv2: 5x5 valid, Cin 6, Cout 16', { x: [3, 14, 14, 6], f: [5, 5, 6, 16], direct: true }],
  ['Cout 4 (one vector)', { x: [2, 7, 6, 3], f: [3, 3, 3, 4], padding: 'same', direct: true }],
  ['Cout 5 (overlapping vectors)', { x: [2, 6, 7, 2], f: [3, 3, 2, 5], direct: true }],
  ['Cout 12, 1x1', { x: [2, 5, 4, 7], f: [1, 1, 7, 12], direct: true }],
  ['stride 2 same', { x: [2, 9, 8, 3], f: [3, 3, 3, 8], strides: 2, padding: 'same', direct: true }],
  [
    'stride 2 valid, last row and column unused',
    { x: [2, 8, 8, 2], f: [3, 3, 2, 6], strides: 2, direct: true },
  ],
  ['dilation 2', { x: [1, 9, 8, 2], f: [3, 2, 2, 7], dilations: 2, padding: 'same', direct: true }],
  asymmetricWidePads,
  ['Cout 3: im2col + GEMM', { x: [2, 7, 6, 3], f: [3, 3, 3, 3], padding: 'same', direct: false }],
  ['Cout 17: im2col + GEMM', { x: [2, 7, 6, 3], f: [3, 3, 3, 17], padding: 'same', direct: false }],
  ['384 taps', { x: [1, 5, 5, 24], f: [4, 4, 24, 4], padding: 'same', direct: true }],
  ['385 taps: im2col + GEMM', { x: [1, 5, 5, 5], f: [7, 11, 5, 4], padding: 'same', direct: false }],
];

describe('conv2d filter gradient, few output channels', () => {
  directCases(convs, 'cfs:', [1, 2]);
});

const forwards: [string, DirectCase][] = [
  [
    'LeNet conv1: 5x5 same, Cin 1, Cout 6',
    { x: [3, 28, 28, 1], f: [5, 5, 1, 6], padding: 'same', direct: true },
  ],
  [
    'Cin 4, Cout 8, 3x3 valid, 5 columns (a block and a tail)',
    { x: [2, 6, 7, 4], f: [3, 3, 4, 8], direct: true },
  ],
  [
    'Cin 2, Cout 5 (overlapping vectors)',
    { x: [2, 7, 6, 2], f: [3, 3, 2, 5], padding: 'same', direct: true },
  ],
  ['Cout 4, stride 2 same', { x: [2, 9, 8, 3], f: [3, 3, 3, 4], strides: 2, padding: 'same', direct: true }],
  ['dilation 2', { x: [1, 9, 8, 2], f: [3, 2, 2, 7], dilations: 2, padding: 'same', direct: true }],
  asymmetricWidePads,
  ['Cin 5: XNNPACK', { x: [2, 6, 6, 5], f: [3, 3, 5, 6], padding: 'same', direct: false }],
  ['Cout 9: XNNPACK', { x: [2, 6, 6, 1], f: [3, 3, 1, 9], padding: 'same', direct: false }],
  ['Cout 3: XNNPACK', { x: [2, 6, 6, 1], f: [3, 3, 1, 3], padding: 'same', direct: false }],
];

describe('conv2d forward, few channels', () => {
  directCases(forwards, 'cfw:', [5, 6]);
  it('NaN and infinity propagate as on XNNPACK (padding multiplies like any input)', async () => {
    const x = randn([1, 5, 5, 1], 7);
    const values = Array.from(x.values, (v, i) =>
      i === 7 ? Number.NaN : i === 18 ? Number.POSITIVE_INFINITY : v,
    );
    await expectMatchesCpu(W, [{ shape: x.shape, values }, randn([3, 3, 1, 4], 8)], (a, f) =>
      conv2d(a, f, { padding: 'same' }),
    );
  });
});

interface PoolCase {
  x: Input;
  window: number;
  strides: number;
  padding?: Padding;
  emitted: boolean;
}

/** Values with ties and all-negative windows: few distinct values, negative offset. */
function tied(shape: number[], seed: number): Input {
  const r = randn(shape, seed);
  return { shape, values: Array.from(r.values, (v) => Math.round(v * 1.5) - 2) };
}

function withNaN(shape: number[], seed: number): Input {
  const r = randn(shape, seed);
  return { shape, values: Array.from(r.values, (v, i) => (i % 7 === 3 ? Number.NaN : v)) };
}

const pools: [string, PoolCase][] = [
  [
    'LeNet pool1: 2x2 stride 2, 6 channels',
    { x: randn([3, 28, 28, 6], 3), window: 2, strides: 2, emitted: true },
  ],
  [
    'LeNet pool2: 2x2 stride 2, 16 channels',
    { x: randn([3, 10, 10, 16], 4), window: 2, strides: 2, emitted: true },
  ],
  [
    'odd sizes: last row and column in no window',
    { x: randn([2, 7, 9, 5], 5), window: 2, strides: 2, emitted: true },
  ],
  ['3x3 stride 3, 4 channels', { x: randn([2, 9, 7, 4], 6), window: 3, strides: 3, emitted: true }],
  [
    'ties and negative windows go to the first maximum',
    { x: tied([2, 6, 6, 7], 7), window: 2, strides: 2, emitted: true },
  ],
  [
    'NaN wins, the first NaN of a window',
    { x: withNaN([2, 6, 8, 6], 8), window: 2, strides: 2, emitted: true },
  ],
  ['3 channels: the kit loop', { x: randn([2, 6, 6, 3], 9), window: 2, strides: 2, emitted: false }],
  [
    'overlapping windows: the kit loop',
    { x: randn([2, 7, 7, 4], 10), window: 3, strides: 2, emitted: false },
  ],
  [
    'padding: the kit loop',
    { x: randn([2, 7, 7, 4], 11), window: 2, strides: 2, padding: 'same', emitted: false },
  ],
];

describe('max pooling gradient', () => {
  for (const [name, c] of pools) {
    it(name, async () => {
      const keys = await keysDuring(() =>
        // The same element takes each dy, so the gradient is exact.
        expectMatchesCpu(
          W,
          [c.x],
          (x) => maxPool2d(x, c.window, { strides: c.strides, padding: c.padding }),
          {
            rtol: 0,
            atol: 0,
          },
        ),
      );
      expect(keys.some((k) => k.startsWith('mpg:'))).toBe(c.emitted);
    });
  }
});

interface AvgPoolCase {
  x: number[];
  window: number | [number, number];
  strides: number | [number, number];
  padding?: Padding;
  emitted: boolean;
}

const avgPools: [string, AvgPoolCase][] = [
  [
    'DenseNet transition: 2x2 stride 2, 20 channels',
    { x: [2, 8, 8, 20], window: 2, strides: 2, emitted: true },
  ],
  ['odd sizes: last row and column in no window', { x: [2, 7, 9, 5], window: 2, strides: 2, emitted: true }],
  ['1x2 stride 1x2, 4 channels', { x: [3, 3, 6, 4], window: [1, 2], strides: [1, 2], emitted: true }],
  ['4x4 stride 4, 6 channels', { x: [2, 8, 9, 6], window: 4, strides: 4, emitted: true }],
  ['8x8 global window, 64 elements', { x: [2, 8, 8, 7], window: 8, strides: 8, emitted: true }],
  ['3x3 stride 3 (1/9 rounds: float64)', { x: [2, 9, 7, 4], window: 3, strides: 3, emitted: true }],
  [
    '3x2 stride 3x2, 5 channels, a row and a column in no window',
    { x: [2, 7, 7, 5], window: [3, 2], strides: [3, 2], emitted: true },
  ],
  [
    '16x8 window, 128 elements: the kit loop',
    { x: [1, 16, 8, 4], window: [16, 8], strides: [16, 8], emitted: false },
  ],
  ['3 channels: the kit loop', { x: [2, 6, 6, 3], window: 2, strides: 2, emitted: false }],
  ['overlapping windows: the kit loop', { x: [2, 7, 7, 4], window: 3, strides: 2, emitted: false }],
  ['padding: the kit loop', { x: [2, 7, 7, 4], window: 2, strides: 2, padding: 'same', emitted: false }],
];

/** dy values with the special ones: NaN, ±Infinity, ±0, subnormals, the largest floats. */
function specialDy(i: number): number {
  const special = [Number.NaN, Infinity, -Infinity, -0, 0, 1e-45, -3e-45, 3.4e38, -3.4e38, 1e-40];
  return i % 5 === 2 ? special[((i / 5) % special.length) | 0] : Math.sin(i * 0.7 + 0.3) * 3;
}

/** The gradient of sum(avgPool2d(x) · dy) on backend `name` (dy = specialDy), as float32 values. */
async function avgPoolGrad(name: string, c: AvgPoolCase): Promise<number[]> {
  await setBackend(name);
  const got = tidy(() => {
    const xs = randn(c.x, 12);
    const vg = valueAndGrad((x: Tensor) => {
      const y = avgPool2d(x, c.window, { strides: c.strides, padding: c.padding });
      return sum(
        mul(
          y,
          tensor(
            Array.from({ length: y.size }, (_, i) => specialDy(i)),
            y.shape,
          ),
        ),
      );
    })(tensor(Array.from(xs.values), xs.shape));
    return Array.from(vg.grads[0].dataSync());
  });
  await setBackend(W);
  return got;
}

/** x with NaN, ±Infinity and an image's first two rows all −0 (windows whose sum is the kit's 0 + −0). */
function specialX(shape: number[]): number[] {
  const [, h, w, c] = shape;
  return Array.from(randn(shape, 13).values, (v, i) =>
    i < 2 * w * c
      ? -0
      : i % 97 === 5
        ? Number.NaN
        : i % 89 === 7
          ? Infinity
          : i % 83 === 11
            ? -Infinity
            : i < h * w * c && i % 5 === 0
              ? -0
              : v,
  );
}

/** Whether the forward pass takes the emitted form: tiling windows, at least 4 channels, ≤ 64 elements. */
function forwardEmitted(c: AvgPoolCase): boolean {
  const [kh, kw] = typeof c.window === 'number' ? [c.window, c.window] : c.window;
  const [sh, sw] = typeof c.strides === 'number' ? [c.strides, c.strides] : c.strides;
  return kh === sh && kw === sw && !c.padding && c.x[3] >= 4 && kh * kw <= 64;
}

describe('average pooling forward', () => {
  for (const [name, c] of avgPools) {
    it(`${name}${forwardEmitted(c) ? '' : ' (forward: XNNPACK)'}`, async () => {
      const x = specialX(c.x);
      const pool = async (backendName: string) => {
        await setBackend(backendName);
        return tidy(() =>
          Array.from(
            avgPool2d(tensor(x, c.x), c.window, { strides: c.strides, padding: c.padding }).dataSync(),
          ),
        );
      };
      const want = await pool(CPU);
      const before = memory();
      let got: number[] = [];
      const keys = await keysDuring(async () => {
        got = await pool(W);
      });
      expect(memory().tensors).toBe(before.tensors);
      expect(got.length).toBe(want.length);
      expect(want.some((v) => Number.isNaN(v))).toBe(true);
      expect(keys.some((k) => k.startsWith('ap:'))).toBe(forwardEmitted(c));
      if (forwardEmitted(c)) {
        // The kit's float64 sum from +0, one rounding: the same bits, NaN, ±Infinity and +0 for −0s.
        if (c.window === 2) expect(want.some((v) => Object.is(v, 0))).toBe(true);
        expect(got.findIndex((v, i) => !Object.is(v, want[i]))).toBe(-1);
      } else {
        // XNNPACK sums in float32: close, and NaN where the kit has NaN.
        expect(got.findIndex((v, i) => Number.isNaN(v) !== Number.isNaN(want[i]))).toBe(-1);
        expect(
          got.findIndex((v, i) => !Number.isNaN(v) && Math.abs(v - want[i]) > 1e-5 * (1 + Math.abs(want[i]))),
        ).toBe(-1);
      }
    });
  }
});

describe('average pooling gradient', () => {
  for (const [name, c] of avgPools) {
    it(name, async () => {
      const want = await avgPoolGrad(CPU, c);
      const before = memory();
      let got: number[] = [];
      const keys = await keysDuring(async () => {
        got = await avgPoolGrad(W, c);
      });
      expect(memory().tensors).toBe(before.tensors);
      // dy · (1/count) + 0 is the kit's 0 + dy · (1/count) to the bit: NaN, ±Infinity, −0 → +0.
      expect(got.length).toBe(want.length);
      expect(got.findIndex((v, i) => !Object.is(v, want[i]))).toBe(-1);
      expect(got.some((v) => Number.isNaN(v))).toBe(true);
      expect(keys.some((k) => k.startsWith('apg:'))).toBe(c.emitted);
    });
  }
});

describe('the direct filter gradient on two threads', () => {
  // Fixed blocks of images, summed in block order: one thread or two, whoever takes which block, the
  // same bits.
  let threaded: WasmBackend;
  const T = 'wasm-small-channels-threads';
  beforeAll(async () => {
    threaded = await useWasm(T, { threads: 2 });
    // Always with the helper (the timed choice between helper and caller alone is tested below).
    const emitted = threaded.runtime.instance.emitted! as unknown as { helperChoice: unknown };
    emitted.helperChoice = { run: (_key: string, shared: () => void) => shared() };
    await setBackend(W);
  });
  afterAll(() => threaded.dispose());

  const shapes: [string, DirectCase][] = [
    [
      'LeNet conv1, 16 images in 8 blocks',
      { x: [16, 28, 28, 1], f: [5, 5, 1, 6], padding: 'same', direct: true },
    ],
    ['LeNet conv2, 5 images in 5 blocks', { x: [5, 14, 14, 6], f: [5, 5, 6, 16], direct: true }],
  ];

  /** `bits` (float32 bits, in a tidy) on backend `name`, then back to the one-thread backend. */
  async function bitsOn(name: string, bits: () => Uint32Array): Promise<Uint32Array> {
    await setBackend(name);
    const got = tidy(bits);
    await setBackend(W);
    return got;
  }

  /** The filter gradient of sum(conv2d(x, f) · w) on backend `name`, as float32 bits. */
  const gradBits = (name: string, c: ConvCase) => bitsOn(name, () => filterGradBits(c));

  /** `bits` on two threads, three times, each the one-thread run's bits. */
  async function expectSameBitsOnThreads(bits: () => Uint32Array): Promise<void> {
    const want = await bitsOn(W, bits);
    for (let r = 0; r < 3; r++) {
      const got = await bitsOn(T, bits);
      expect(got.findIndex((v, i) => v !== want[i])).toBe(-1);
    }
  }

  it('the direct forward convolution: one image per unit, the same bits', async () => {
    await expectSameBitsOnThreads(() => {
      const xs = randn([16, 28, 28, 1], 9);
      const fs = randn([5, 5, 1, 6], 10);
      const y = conv2d(tensor(Array.from(xs.values), xs.shape), tensor(Array.from(fs.values), fs.shape), {
        padding: 'same',
      });
      return new Uint32Array(Float32Array.from(y.dataSync()).buffer);
    });
  });

  it('the max pooling gradient: one image per unit, the same bits', async () => {
    await expectSameBitsOnThreads(() => {
      const xs = tied([16, 28, 28, 6], 11);
      const vg = valueAndGrad((x: Tensor) => {
        const y = maxPool2d(x, 2, { strides: 2 });
        const w = tensor(
          Array.from({ length: y.size }, (_, i) => Math.cos(i * 0.41) * 2),
          y.shape,
        );
        return sum(mul(y, w));
      })(tensor(Array.from(xs.values), xs.shape));
      return new Uint32Array(Float32Array.from(vg.grads[0].dataSync()).buffer);
    });
  });

  it('average pooling forward: one image per unit, the same bits', async () => {
    const x = specialX([16, 32, 32, 12]);
    const run = async (name: string) => {
      await setBackend(name);
      const y = tidy(() => Array.from(avgPool2d(tensor(x, [16, 32, 32, 12]), 2, { strides: 2 }).dataSync()));
      await setBackend(W);
      return y;
    };
    const want = await run(W);
    for (let r = 0; r < 3; r++) {
      const got = await run(T);
      expect(got.findIndex((v, i) => !Object.is(v, want[i]))).toBe(-1);
    }
  });

  it('the average pooling gradient: one image per unit, the same bits', async () => {
    const c: AvgPoolCase = { x: [16, 32, 32, 12], window: 2, strides: 2, emitted: true };
    const want = await avgPoolGrad(W, c);
    for (let r = 0; r < 3; r++) {
      const got = await avgPoolGrad(T, c);
      expect(got.findIndex((v, i) => !Object.is(v, want[i]))).toBe(-1);
    }
  });

  for (const [name, c] of shapes) {
    it(name, async () => {
      const emitted = threaded.runtime.instance.emitted!;
      expect(emitted.participants).toBe(2);
      const want = await gradBits(W, c);
      const runs: [string, Uint32Array][] = [];
      for (let r = 0; r < 3; r++) runs.push([`two threads, run ${r}`, await gradBits(T, c)]);
      // The caller waits before each of its takes, so the helper takes most blocks.
      const helpers = (emitted as unknown as { helpers: { parallel: (...a: unknown[]) => unknown } }).helpers;
      const parallel = helpers.parallel;
      let callerUnits = 0;
      let units = 0;
      helpers.parallel = (fn, pointers, count, run) => {
        units += count as number;
        const pause = new Int32Array(new SharedArrayBuffer(4));
        return parallel.call(helpers, fn, pointers, count, (u0: number, u1: number) => {
          Atomics.wait(pause, 0, 0, 20);
          callerUnits += (u1 - u0) / 32;
          (run as (a: number, b: number) => void)(u0, u1);
        });
      };
      try {
        runs.push(['the helper takes most blocks', await gradBits(T, c)]);
      } finally {
        Reflect.deleteProperty(helpers, 'parallel');
      }
      expect(units).toBeGreaterThan(0);
      expect(callerUnits).toBeLessThan(units);
      for (const [what, got] of runs)
        expect(
          got.findIndex((v, i) => v !== want[i]),
          what,
        ).toBe(-1);
    });
  }
});

describe('helper choice (TimedChoice with HELPER_CHOICE)', () => {
  it('times both ways, keeps the faster and retries the other every 64 calls', () => {
    let now = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const choice = new TimedChoice(HELPER_CHOICE);
      const ran: string[] = [];
      // Shared costs 3 ms, alone 2 ms (a busy machine).
      const call = () =>
        choice.run(
          'k',
          () => {
            ran.push('shared');
            now += 3;
          },
          () => {
            ran.push('alone');
            now += 2;
          },
        );
      for (let i = 0; i < 129; i++) call();
      expect(ran.slice(0, 5)).toEqual(['shared', 'shared', 'alone', 'shared', 'alone']);
      // Then alone, but shared again at calls 64 and 128.
      expect(ran.slice(5).filter((r) => r === 'shared').length).toBe(2);
      expect(ran[64]).toBe('shared');
      expect(ran[128]).toBe('shared');
    } finally {
      clock.mockRestore();
    }
  });

  it('keeps sharing only while it is clearly faster', () => {
    let now = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const runs = (sharedMs: number) => {
        const choice = new TimedChoice(HELPER_CHOICE);
        const ran: string[] = [];
        for (let i = 0; i < 20; i++)
          choice.run(
            'k',
            () => {
              ran.push('shared');
              now += sharedMs;
            },
            () => {
              ran.push('alone');
              now += 2;
            },
          );
        return ran.slice(5);
      };
      expect(runs(1).every((r) => r === 'shared')).toBe(true);
      // 1.9 ms against 2: within the margin, alone.
      expect(runs(1.9).every((r) => r === 'alone')).toBe(true);
    } finally {
      clock.mockRestore();
    }
  });
});
