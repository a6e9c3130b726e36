// Worker threads: large matmuls and convolutions split between threads give the very bits of one thread,
// small ones are not split, the workers start on demand, stop on dispose() and never keep a process alive.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as d from '@dendrite/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CpuBackend } from '../src/cpu-backend.js';
import { createCpuBackend as createDefaultBuildBackend } from '../src/index.js';
import { nodeThreads } from '../src/node/node-threads.js';
import { PARALLEL_MIN_MACS } from '../src/threads/parallel-kernels.js';
import { createThreadedCpu, expectNoLeak, workerUrl } from './helpers.js';

/** Deterministic U(-1, 1) values (mulberry32), so a failure reproduces. */
function random(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

const prod = (shape: readonly number[]) => shape.reduce((p, n) => p * n, 1);

type Kernel = (b: CpuBackend, inputs: d.KernelTensor[]) => d.DataId;

/** Runs one kernel on `b` and reads its output back; checks that no storage is left behind. */
function compute(b: CpuBackend, kernel: Kernel, shapes: number[][], outShape: number[]): Float32Array {
  const before = b.memory();
  const inputs = shapes.map((shape, i) => ({
    id: b.upload(random(prod(shape), 7 + i), 'float32'),
    shape,
    dtype: 'float32' as const,
  }));
  const id = kernel(b, inputs);
  const out = b.readSync(id, 'float32', prod(outShape)) as Float32Array;
  b.disposeData(id);
  for (const t of inputs) b.disposeData(t.id);
  expect(b.memory()).toEqual(before);
  return out;
}

/** Index of the first element whose bits differ, or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  const [x, y] = [
    new Uint32Array(a.buffer, a.byteOffset, a.length),
    new Uint32Array(b.buffer, b.byteOffset, b.length),
  ];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

function jobs(b: CpuBackend): number {
  return (b.info().jobs as number | undefined) ?? 0;
}

/** Starts `b`'s workers (with an op big enough to split) and waits until they all run. */
async function startWorkers(b: CpuBackend, workers: number): Promise<void> {
  const n = 160;
  compute(
    b,
    (be, [x, y]) => be.matmul(x, y, false, false, { shape: [n, n], dtype: 'float32' }),
    [
      [n, n],
      [n, n],
    ],
    [n, n],
  );
  await vi.waitFor(() => expect(b.info().workersRunning).toBe(workers), { timeout: 10_000, interval: 5 });
}

const one = new CpuBackend({ name: 'one-thread', threads: 1 });
const two = createThreadedCpu({ name: 'two-threads', threads: 2 });
/** Splits every product that can be split, however small: exercises the odd shapes cheaply. */
const splitAll = createThreadedCpu({ name: 'split-all', threads: 2 }, 0);

/** For tests that wait on worker threads: a loaded machine may need more than vitest's default. */
const WAITS = { timeout: 30_000 };

beforeAll(async () => {
  await startWorkers(two, 1);
  await startWorkers(splitAll, 1);
}, WAITS.timeout);
afterAll(() => {
  two.dispose();
  splitAll.dispose();
});

/** Asserts the kernel gives the same bits on `threaded` as on one thread, and whether it was split. */
function expectSameBits(
  threaded: CpuBackend,
  kernel: Kernel,
  shapes: number[][],
  outShape: number[],
  split: boolean,
) {
  const jobsBefore = jobs(threaded);
  const expected = compute(one, kernel, shapes, outShape);
  const actual = compute(threaded, kernel, shapes, outShape);
  expect(firstDifference(actual, expected)).toBe(-1);
  expect(jobs(threaded) - jobsBefore).toBe(split ? 1 : 0);
}

interface MatmulCase {
  a: number[];
  b: number[];
  ta?: boolean;
  tb?: boolean;
}

function matmulOut({ a, b, ta = false, tb = false }: MatmulCase): number[] {
  const batch = d.broadcastShapes('matmul', a.slice(0, -2), b.slice(0, -2));
  return [...batch, ta ? a[a.length - 1] : a[a.length - 2], tb ? b[b.length - 2] : b[b.length - 1]];
}

function matmulKernel({ ta = false, tb = false }: MatmulCase, out: number[]): Kernel {
  return (b, [x, y]) => b.matmul(x, y, ta, tb, { shape: out, dtype: 'float32' });
}

function macsOf(c: MatmulCase): number {
  const out = matmulOut(c);
  return prod(out) * (c.ta ? c.a[c.a.length - 2] : c.a[c.a.length - 1]);
}

describe('matmul across threads', () => {
  const above: Record<string, MatmulCase> = {
    square: { a: [160, 160], b: [160, 160] },
    // Depth above gemm's KC, so a piece that fell back to the unpacked path would round differently.
    'rows leaving a remainder thinner than a micro-tile': { a: [122, 300], b: [300, 141] },
    'both transposed': { a: [150, 122], b: [141, 150], ta: true, tb: true },
    'batch folded into the rows': { a: [5, 60, 64], b: [64, 128] },
    'broadcast batch of small products, grouped into tasks': { a: [3, 1, 40, 96], b: [4, 96, 80] },
    'batch of large products, each split': { a: [2, 128, 128], b: [2, 128, 128], tb: true },
  };
  for (const [name, c] of Object.entries(above)) {
    it(`splits and matches one thread bit for bit: ${name}`, () => {
      expect(macsOf(c)).toBeGreaterThanOrEqual(PARALLEL_MIN_MACS);
      const out = matmulOut(c);
      expectSameBits(two, matmulKernel(c, out), [c.a, c.b], out, true);
    });
  }

  const below: Record<string, MatmulCase> = {
    small: { a: [20, 30], b: [30, 40] },
    'just below the threshold': { a: [100, 100], b: [100, 100] },
  };
  for (const [name, c] of Object.entries(below)) {
    it(`stays on the calling thread: ${name}`, () => {
      expect(macsOf(c)).toBeLessThan(PARALLEL_MIN_MACS);
      const out = matmulOut(c);
      expectSameBits(two, matmulKernel(c, out), [c.a, c.b], out, false);
    });
  }

  const odd: Record<string, [MatmulCase, boolean]> = {
    'fewer columns than a micro-tile': [{ a: [70, 9], b: [9, 3] }, true],
    'fewer rows than a micro-tile': [{ a: [3, 9], b: [9, 40] }, false],
    'rows just over two pieces': [{ a: [33, 17], b: [17, 9] }, true],
    'many tiny products': [{ a: [37, 5, 6], b: [37, 6, 2] }, true],
    'empty reduction': [{ a: [40, 0], b: [0, 8] }, false],
  };
  for (const [name, [c, split]] of Object.entries(odd)) {
    it(`matches one thread when every product is split: ${name}`, () => {
      const out = matmulOut(c);
      expectSameBits(splitAll, matmulKernel(c, out), [c.a, c.b], out, split);
    });
  }
});

interface ConvCase {
  x: number[];
  filter: number[];
  strides?: [number, number];
  pads?: [[number, number], [number, number]];
  dilations?: [number, number];
  groups?: number;
}

function convGeometry(c: ConvCase): { attrs: d.Conv2DAttrs; y: number[]; macs: number } {
  const {
    strides = [1, 1],
    pads = [
      [0, 0],
      [0, 0],
    ],
    dilations = [1, 1],
    groups = 1,
  } = c;
  const attrs: d.Conv2DAttrs = { strides, pads, dilations, groups };
  const [n, h, w] = c.x;
  const [kh, kw, cg, o] = c.filter;
  const oh = Math.floor((h + pads[0][0] + pads[0][1] - (kh - 1) * dilations[0] - 1) / strides[0]) + 1;
  const ow = Math.floor((w + pads[1][0] + pads[1][1] - (kw - 1) * dilations[1] - 1) / strides[1]) + 1;
  return { attrs, y: [n, oh, ow, o], macs: n * oh * ow * kh * kw * cg * o };
}

/** `split`: whether forward, input gradient and filter gradient are each expected to be split. */
function expectConvSameBits(threaded: CpuBackend, c: ConvCase, split: boolean | [boolean, boolean, boolean]) {
  const { attrs, y } = convGeometry(c);
  const [fwd, dx, dw] = typeof split === 'boolean' ? [split, split, split] : split;
  const out = (shape: number[]) => ({ shape, dtype: 'float32' as const });
  expectSameBits(threaded, (b, [x, f]) => b.conv2d(x, f, attrs, out(y)), [c.x, c.filter], y, fwd);
  expectSameBits(
    threaded,
    (b, [dy, f]) => b.conv2dBackpropInput(dy, f, attrs, out(c.x)),
    [y, c.filter],
    c.x,
    dx,
  );
  expectSameBits(
    threaded,
    (b, [x, dy]) => b.conv2dBackpropFilter(x, dy, attrs, out(c.filter)),
    [c.x, y],
    c.filter,
    dw,
  );
}

describe('conv2d and its gradients across threads', () => {
  const same: [[number, number], [number, number]] = [
    [1, 1],
    [1, 1],
  ];
  const above: Record<string, ConvCase> = {
    '3×3 same (W2 in small)': { x: [4, 12, 12, 32], filter: [3, 3, 32, 32], pads: same },
    'strided, dilated, grouped, padded unevenly': {
      x: [4, 20, 20, 32],
      filter: [3, 3, 16, 48],
      strides: [2, 2],
      dilations: [2, 2],
      pads: [
        [2, 1],
        [1, 2],
      ],
      groups: 2,
    },
    pointwise: { x: [4, 16, 16, 64], filter: [1, 1, 64, 64] },
    'one output pixel per image': { x: [40, 3, 3, 64], filter: [3, 3, 64, 96] },
  };
  for (const [name, c] of Object.entries(above)) {
    it(`splits and matches one thread bit for bit: ${name}`, () => {
      expect(convGeometry(c).macs).toBeGreaterThanOrEqual(PARALLEL_MIN_MACS);
      expectConvSameBits(two, c, true);
    });
  }

  it('stays on the calling thread when small', () => {
    const c: ConvCase = { x: [2, 8, 8, 8], filter: [3, 3, 8, 8], pads: same };
    expect(convGeometry(c).macs).toBeLessThan(PARALLEL_MIN_MACS);
    expectConvSameBits(two, c, false);
  });

  it('leaves depthwise convolutions (direct loops) on the calling thread', () => {
    expectConvSameBits(two, { x: [4, 32, 32, 64], filter: [3, 3, 1, 64], pads: same, groups: 64 }, false);
  });

  it('matches one thread when every convolution is split: small and odd shapes', () => {
    // One output pixel per image: input-gradient tasks take 4 images, the last 5.
    expectConvSameBits(splitAll, { x: [9, 1, 2, 20], filter: [1, 2, 20, 24] }, [false, true, true]);
    expectConvSameBits(splitAll, { x: [7, 4, 3, 6], filter: [2, 2, 3, 6], groups: 2 }, true);
    expectConvSameBits(splitAll, { x: [9, 2, 2, 5], filter: [1, 1, 5, 6] }, [true, true, false]);
  });

  it('gives the same values and gradients through core, with no leak', WAITS, async () => {
    const run = async (name: string, backend: CpuBackend) => {
      d.registerBackend(name, () => backend, 1);
      await d.setBackend(name);
      let result: Float32Array[] = [];
      await expectNoLeak(async () => {
        const x = d.tensor(random(4 * 12 * 12 * 32, 1), [4, 12, 12, 32]);
        const f = d.tensor(random(3 * 3 * 32 * 32, 2), [3, 3, 32, 32]);
        const w = d.tensor(random(32 * 300, 3), [32, 300]);
        const loss = (x: d.Tensor, f: d.Tensor, w: d.Tensor) =>
          d.sum(d.square(d.matmul(d.reshape(d.conv2d(x, f, { padding: 'same' }), [-1, 32]), w)));
        const { value, grads } = d.valueAndGrad(loss)(x, f, w);
        result = await Promise.all([value, ...grads].map(async (t) => (await t.data()) as Float32Array));
        d.dispose([x, f, w, value, ...grads]);
      });
      d.removeBackend(name);
      return result;
    };
    const reference = await run('core-one-thread', new CpuBackend({ threads: 1 }));
    const threaded = createThreadedCpu({ threads: 2 });
    const actual = await run('core-two-threads', threaded);
    expect(actual.map((a, i) => firstDifference(a, reference[i]))).toEqual([-1, -1, -1, -1]);
  });

  it('has the workers take tasks', WAITS, async () => {
    // Almost always true after the tests above; on a loaded machine a worker may need a few more ops.
    const n = 192;
    const square: Kernel = (b, [x, y]) => b.matmul(x, y, false, false, { shape: [n, n], dtype: 'float32' });
    for (const b of [two, splitAll]) {
      await vi.waitFor(
        () => {
          if (b.info().tasksOnWorkers === 0)
            compute(
              b,
              square,
              [
                [n, n],
                [n, n],
              ],
              [n, n],
            );
          expect(b.info().tasksOnWorkers).toBeGreaterThan(0);
        },
        { timeout: 10_000, interval: 20 },
      );
    }
  });
});

describe('thread lifecycle and info()', () => {
  it('reports the threads in use, and no reason when they are all there', () => {
    expect(two.info()).toMatchObject({
      kind: 'cpu',
      threads: 2,
      workersRunning: 1,
      arenaBytes: expect.any(Number),
    });
    expect(two.info()).not.toHaveProperty('reason');
    expect(one.info()).toEqual({ kind: 'cpu', threads: 1 });
  });

  it('defaults to one thread per core, and starts no worker before an op needs one', () => {
    const b = createThreadedCpu();
    expect(b.info()).toEqual({ kind: 'cpu', threads: Math.min(256, availableParallelism()) });
    b.dispose();
  });

  it('says why the default (browser) build runs on one thread', () => {
    expect(createDefaultBuildBackend().info()).toEqual({ kind: 'cpu', threads: 1 });
    const asked = createDefaultBuildBackend({ threads: 4 }).info();
    expect(asked).toMatchObject({ threads: 1, reason: expect.stringMatching(/single-threaded build/) });
  });

  it('rejects a thread count that is not a whole number from 1 to 256', () => {
    for (const threads of [0, 1.5, -2, 257, Number.NaN]) {
      expect(() => createThreadedCpu({ threads })).toThrow(d.ArgumentError);
    }
    expect(() => createThreadedCpu({ threads: 0 })).toThrow(/createCpuBackend: threads must be an integer/);
  });

  it('stops its workers on dispose()', WAITS, async () => {
    const b = createThreadedCpu({ threads: 3 });
    await startWorkers(b, 2);
    b.dispose();
    await vi.waitFor(() => expect(b.info().workersRunning).toBe(0), { timeout: 10_000, interval: 5 });
  });

  it('falls back to one thread, with the reason, when the workers cannot start', WAITS, async () => {
    const broken = new CpuBackend({ threads: 2 }, nodeThreads(new URL('./no-such-worker.js', workerUrl())));
    const c: MatmulCase = { a: [160, 160], b: [160, 160] };
    const out = matmulOut(c);
    // The main thread claims every task the absent worker does not: the result is right all the same.
    expect(
      firstDifference(
        compute(broken, matmulKernel(c, out), [c.a, c.b], out),
        compute(one, matmulKernel(c, out), [c.a, c.b], out),
      ),
    ).toBe(-1);
    await vi.waitFor(
      () =>
        expect(broken.info()).toMatchObject({ threads: 1, reason: expect.stringMatching(/a worker failed/) }),
      {
        timeout: 10_000,
        interval: 5,
      },
    );
    broken.dispose();
  });

  it('never keeps a process alive: a child that ran threaded matmuls exits by itself', WAITS, async () => {
    const entry = new URL('node.js', workerUrl()).href;
    const script = `
      const { createCpuBackend } = await import(${JSON.stringify(entry)});
      const b = createCpuBackend({ threads: 2 });
      const n = 256;
      const a = { id: b.upload(new Float32Array(n * n).fill(0.5), 'float32'), shape: [n, n], dtype: 'float32' };
      const out = { shape: [n, n], dtype: 'float32' };
      b.disposeData(b.matmul(a, a, false, false, out)); // starts the worker
      while (b.info().workersRunning < 1) await new Promise((r) => setTimeout(r, 5));
      let y;
      for (let i = 0; i < 5; i++) {
        const id = b.matmul(a, a, false, false, out);
        y = b.readSync(id, 'float32', n * n);
        b.disposeData(id);
      }
      console.log(JSON.stringify({ ...b.info(), y0: y[0] })); // and no dispose(): the workers stay
    `;
    const started = performance.now();
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--input-type=module', '-e', script],
        { timeout: 10_000 },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
    });
    expect(performance.now() - started).toBeLessThan(10_000);
    const info = JSON.parse(stdout);
    expect(info).toMatchObject({ threads: 2, workersRunning: 1, y0: 64 });
    expect(info.jobs).toBe(6);
  });
});

describe('package layout', () => {
  it('gives Node the threaded build and everything else the single-threaded one', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.exports['.']).toMatchObject({ node: './dist/node.js', default: './dist/index.js' });
    expect(pkg.exports['./register']).toMatchObject({
      node: './dist/node-register.js',
      default: './dist/register.js',
    });
    // Order matters: `require` before `node` (which matches require() too) sends require() to the ESM-only shim.
    expect(Object.keys(pkg.exports['.'])).toEqual(['types', 'require', 'node', 'default']);
  });
});
