// The LSTM's time loop in blocks of batch rows on the helper threads (threaded build): values and
// gradients against backend-cpu on shapes that take the shared path, the same bits as one thread, the
// size gate on both sides, and a helper's own block (the loop's source text it runs) checked bit for bit
// against the calling thread's.
import { grad, lstmSequence, mul, Rng, setBackend, sum, type Tensor, tensor, tidy } from '@dendrite/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmittedKernels } from '../src/codegen/emitted-kernels.js';
import { lstmRowBlocks } from '../src/kernels/lstm-sequence.js';
import { nodePlatform } from '../src/node/node-platform.js';
import type { WasmBackend } from '../src/node.js';
import { KernelWorkers } from '../src/runtime/kernel-workers.js';
import { LSTM_TASK, runLstmBlocks, stepStride } from '../src/runtime/lstm-blocks.js';
import { expectMatchesCpu, expectNoLeak, randn, useWasm } from './helpers.js';

const W2 = 'wasm-lstm-threads';
const W1 = 'wasm-lstm-one-thread';
let two: WasmBackend;
let one: WasmBackend;
beforeAll(async () => {
  one = await useWasm(W1, { threads: 1 });
  two = await useWasm(W2, { threads: 2 });
});
afterAll(() => {
  two.dispose();
  one.dispose();
});

/** [B, T, F, H], each above the sharing gate. */
const SHAPES: [string, [number, number, number, number]][] = [
  ['W6-like: two blocks of 16 rows, padded step products', [32, 12, 32, 64]],
  ['blocks of 6 rows (a 4-row tile and two single rows), H = 36 (GEMM tail columns)', [12, 20, 5, 36]],
];

const dimsOf = ([batch, steps, features, hidden]: readonly number[]) => ({ batch, steps, features, hidden });

/** Scaled by 0.3 (weights), so the gates are not saturated. */
function scaled(shape: number[], seed: number) {
  const r = randn(shape, seed);
  return { shape, values: Array.from(r.values, (v) => Math.fround(v * 0.3)) };
}

function inputs([b, t, f, h]: readonly number[], seed: number) {
  return [
    randn([b, t, f], seed),
    scaled([f, 4 * h], seed + 1),
    scaled([h, 4 * h], seed + 2),
    randn([4 * h], seed + 3),
    randn([b, h], seed + 4),
    randn([b, h], seed + 5),
  ];
}

describe('LSTM time loop on two threads', () => {
  it('runs on the threaded build with a helper', () => {
    expect(two.info()).toMatchObject({ build: 'threaded-simd', threads: 2 });
    expect(two.runtime.instance.emitted?.participants).toBe(2);
  });

  it('shares the time loop above the gate only, in equal blocks of at least 4 rows', () => {
    expect(lstmRowBlocks(2, dimsOf([32, 50, 32, 128]))).toBe(2);
    expect(lstmRowBlocks(2, dimsOf([12, 20, 5, 36]))).toBe(2);
    // One block (the calling thread alone): one participant, too little work (B·T·H·4H < 1M), no even
    // split into blocks of 4 rows or more.
    expect(lstmRowBlocks(1, dimsOf([32, 50, 32, 128]))).toBe(1);
    expect(lstmRowBlocks(2, dimsOf([8, 4, 8, 64]))).toBe(1);
    expect(lstmRowBlocks(2, dimsOf([7, 50, 8, 64]))).toBe(1);
    expect(lstmRowBlocks(2, dimsOf([6, 50, 8, 64]))).toBe(1);
    // A block of more than 4e9 multiply-adds (16 rows · 2000 steps · 512 · 2048 = 3.4e10) would be one
    // helper job of seconds.
    expect(lstmRowBlocks(2, dimsOf([32, 2000, 8, 512]))).toBe(1);
    expect(lstmRowBlocks(2, dimsOf([32, 200, 8, 256]))).toBe(2);
    // The kit's loop: H not a multiple of 4, or below 8.
    expect(lstmRowBlocks(2, dimsOf([32, 200, 8, 6]))).toBe(0);
    expect(lstmRowBlocks(2, dimsOf([32, 400, 8, 4]))).toBe(0);
    for (const [, shape] of SHAPES) expect(lstmRowBlocks(2, dimsOf(shape))).toBeGreaterThan(1);
  });

  it('pads the step products whose rows would be a multiple of 256 bytes', () => {
    expect(stepStride(512)).toBe(520);
    expect(stepStride(128)).toBe(136);
    expect(stepStride(144)).toBe(144);
    expect(stepStride(36)).toBe(36);
  });

  for (const [name, shape] of SHAPES) {
    it(`matches backend-cpu, values and gradients: ${name}`, async () => {
      await setBackend(W2);
      const ins = inputs(shape, 11);
      await expectMatchesCpu(W2, ins, (x, w, u, b, h0, c0) => {
        const r = lstmSequence(x, w, u, b, h0, c0);
        return mul(r.y!, 1);
      });
    });

    it(`has the bits of one thread, values and gradients: ${name}`, async () => {
      const bits = async (backend: string) => {
        await setBackend(backend);
        const ins = inputs(shape, 23).map((i) => tensor(Array.from(i.values), i.shape));
        const [batch, steps, , hidden] = shape;
        const wy = tensor(Array.from(new Rng(5).normalValues(batch * steps * hidden)), [
          batch,
          steps,
          hidden,
        ]);
        const out = tidy(() => {
          const loss = (...xs: Tensor[]) => {
            const r = lstmSequence(xs[0], xs[1], xs[2], xs[3], xs[4], xs[5]);
            return sum(mul(r.y!, wy));
          };
          const y = lstmSequence(ins[0], ins[1], ins[2], ins[3], ins[4], ins[5]).y!;
          return [y, ...grad(loss)(...ins)];
        });
        const all = await Promise.all(
          out.map(async (t) => new Uint32Array(Float32Array.from(await t.data()).buffer)),
        );
        for (const t of [...out, ...ins, wy]) t.dispose();
        return all;
      };
      const threaded = await bits(W2);
      const single = await bits(W1);
      expect(threaded.length).toBe(7);
      for (const [i, t] of threaded.entries()) expect(t).toEqual(single[i]);
    });
  }

  it('frees what it allocates', async () => {
    await setBackend(W2);
    const shape = SHAPES[0][1];
    await expectNoLeak(() => {
      const ins = inputs(shape, 31).map((i) => tensor(Array.from(i.values), i.shape));
      tidy(() => {
        grad((...xs: Tensor[]) => sum(lstmSequence(xs[0], xs[1], xs[2], xs[3], xs[4], xs[5]).h))(...ins);
      });
      for (const t of ins) t.dispose();
    });
  });
});

describe("a helper's block of the LSTM time loop", () => {
  // B = 8 in two blocks of 4, T = 5, H = 12 (4H = 48: six column tiles; H: one tile and four tail
  // columns); the forward's step product padded to rows of 56 floats.
  const batch = 8;
  const steps = 5;
  const hidden = 12;
  const rows = 4;
  const blocks = batch / rows;
  const strides = { forward: 56, backward: hidden };

  /** Fills a fresh shared memory with one task of `direction` and returns it with its result region. */
  function setUp(backward: boolean) {
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 16, shared: true });
    const f32 = new Float32Array(memory.buffer);
    const i32 = new Int32Array(memory.buffer);
    const rng = new Rng(backward ? 7 : 8);
    const taskAt = 1024;
    let next = 4096;
    const region = (floats: number) => {
      const at = next;
      f32.set(
        rng.normalValues(floats).map((v) => v * 0.5),
        at / 4,
      );
      next += ((floats * 4 + 63) >> 6) << 6;
      return at;
    };
    const stride = backward ? strides.backward : strides.forward;
    const words: Partial<Record<keyof typeof LSTM_TASK, number>> = {
      backward: backward ? 1 : 0,
      steps,
      hidden,
      rows,
      stride,
      trajectory: region(batch * steps * 6 * hidden),
      c0: region(batch * hidden),
      recurrent: region((backward ? 4 * hidden : hidden) * stride),
    };
    if (backward) {
      Object.assign(words, {
        dOut: region(batch * steps * 6 * hidden),
        dZ: region(batch * steps * 4 * hidden),
        dzt: region(batch * 4 * hidden),
        dh: region(batch * stride),
        dc: region(batch * hidden),
      });
    } else {
      Object.assign(words, {
        proj: region(batch * steps * 4 * hidden),
        rec: region(batch * stride),
        hCur: region(batch * hidden),
      });
    }
    for (const [k, v] of Object.entries(words)) i32[taskAt / 4 + LSTM_TASK[k as keyof typeof LSTM_TASK]] = v;
    return { memory, f32, taskAt, end: next };
  }

  for (const backward of [false, true]) {
    it(`computes the calling thread's bits (${backward ? 'backward' : 'forward'})`, () => {
      // The calling thread alone runs every block.
      const alone = setUp(backward);
      const single = new EmittedKernels(alone.memory, true);
      runLstmBlocks(
        single.lstmBlockModule(hidden, rows, strides).exports,
        new Int32Array(alone.memory.buffer),
        alone.taskAt,
        0,
        0,
        blocks,
      );
      const want = Array.from(alone.f32.subarray(4096 / 4, alone.end / 4));

      // The same task where the helper surely takes a block: the caller holds its first until then.
      const shared = setUp(backward);
      const i32 = new Int32Array(shared.memory.buffer);
      const emitted = new EmittedKernels(shared.memory, true);
      const workers = new KernelWorkers(1, shared.memory, nodePlatform.spawnHelper!);
      const bound = emitted.lstmBlockModule(hidden, rows, strides);
      const helperTaken = shared.taskAt / 4 + LSTM_TASK.taken + 1;
      const pause = new Int32Array(new SharedArrayBuffer(4));
      let mine = 0;
      try {
        const r = workers.lstmBlocks(bound, shared.taskAt, blocks, (b0, b1) => {
          mine += b1 - b0;
          for (let t = 0; mine === 1 && Atomics.load(i32, helperTaken) === 0 && t < 1000; t++)
            Atomics.wait(pause, 0, 0, 10);
          runLstmBlocks(bound.exports, i32, shared.taskAt, 0, b0, b1);
        });
        expect(r).toBe('ok');
      } finally {
        workers.terminate();
      }
      expect(Atomics.load(i32, helperTaken)).toBe(blocks - mine);
      expect(mine).toBeLessThan(blocks);
      const got = Array.from(shared.f32.subarray(4096 / 4, shared.end / 4));
      expect(new Uint32Array(Float32Array.from(got).buffer)).toEqual(
        new Uint32Array(Float32Array.from(want).buffer),
      );
    });
  }
});
