// Bad input never reaches the C side: kernels called directly (past core's own validation) with random,
// often invalid shapes, attributes and indices either compute what backend-cpu computes or throw one of
// core's typed errors — and a canary tensor, the byte count and the module instance stay intact.
import { createCpuBackend } from '@dendrite/backend-cpu';
import type { Backend, Conv2DAttrs, DataId, KernelTensor, OutSpec, Pool2DAttrs } from '@dendrite/core';
import { DendriteError } from '@dendrite/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from '../src/node.js';

// Reproducible runs (a failure prints its seed and path anyway).
fc.configureGlobal({ seed: 0x5eed });

let wasm: WasmBackend;
const cpu = createCpuBackend('cpu-fuzz');
let canary: DataId;
const CANARY = Float32Array.from({ length: 4096 }, (_, i) => Math.sin(i));

beforeAll(async () => {
  wasm = await createWasmBackend({ threads: 1 });
  canary = wasm.upload(CANARY, 'float32');
});
afterAll(() => wasm.dispose());

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);
const values = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + seed));

/** A tensor of `shape`; an impossible shape (from bad attributes) gets one element and keeps its lie. */
function upload(b: Backend, shape: number[], seed: number): KernelTensor {
  const n = size(shape);
  const ok = Number.isInteger(n) && n >= 0 && shape.every((d) => Number.isInteger(d) && d >= 0);
  return { id: b.upload(values(ok ? n : 1, seed), 'float32'), shape, dtype: 'float32' };
}

/**
 * Runs `call` on wasm: a result must equal cpu's, a failure must be a typed error. Either way the canary
 * is untouched, nothing leaked and the instance never aborted.
 */
function check(shapes: number[][], call: (b: Backend, inputs: KernelTensor[]) => DataId, out: OutSpec): void {
  const before = wasm.memory();
  const ins = shapes.map((s, i) => upload(wasm, s, i));
  let id: DataId | null = null;
  try {
    id = call(wasm, ins);
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(DendriteError);
  }
  if (id !== null) {
    const got = wasm.readSync(id, 'float32', size(out.shape));
    const cins = shapes.map((s, i) => upload(cpu, s, i));
    const want = cpu.readSync(call(cpu, cins), 'float32', size(out.shape));
    const same = (g: number, w: number) =>
      g === w || (Number.isNaN(g) && Number.isNaN(w)) || Math.abs(g - w) <= 1e-3 + 1e-3 * Math.abs(w);
    const bad = Array.from(want).findIndex((w, i) => !same(got[i], w));
    expect(bad, `element ${bad}: ${got[bad]} vs ${want[bad]}`).toBe(-1);
    wasm.disposeData(id);
  }
  for (const t of ins) wasm.disposeData(t.id);
  expect(wasm.memory()).toEqual(before);
  const seen = wasm.readSync(canary, 'float32', CANARY.length);
  expect(CANARY.every((v, i) => seen[i] === v)).toBe(true);
  expect(wasm.info().incidents).toEqual([]);
}

const dim = fc.integer({ min: 0, max: 5 });
/** Mostly valid attribute values (>= min), sometimes not. */
const attr = (min: number) =>
  fc.oneof(
    { arbitrary: fc.integer({ min, max: 3 }), weight: 8 },
    { arbitrary: fc.integer({ min: -2, max: min - 1 }), weight: 1 },
  );
const positive = attr(1);
const pad = attr(0);
const mostly = fc.oneof(
  { arbitrary: fc.constant(true), weight: 4 },
  { arbitrary: fc.constant(false), weight: 1 },
);
const shapeOf = (rank: { min: number; max: number }) =>
  fc.array(dim, { minLength: rank.min, maxLength: rank.max });

describe('fuzzed kernels never corrupt memory', () => {
  it('matmul', () => {
    fc.assert(
      fc.property(
        shapeOf({ min: 1, max: 4 }),
        shapeOf({ min: 1, max: 4 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        (a, b, tA, tB, pick) => {
          const m = a.length >= 2 ? a[a.length - (tA ? 1 : 2)] : 1;
          const n = b.length >= 2 ? b[b.length - (tB ? 2 : 1)] : 1;
          const right = [...(a.length > b.length ? a : b).slice(0, -2), m, n];
          const out = pick === 0 ? [m + 1, n] : right;
          check([a, b], (be, [x, y]) => be.matmul(x, y, tA, tB, { shape: out, dtype: 'float32' }), {
            shape: out,
            dtype: 'float32',
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('conv2d and its gradients', () => {
    fc.assert(
      fc.property(
        fc.tuple(dim, fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 }), dim),
        fc.tuple(positive, positive, dim, dim),
        fc.tuple(positive, positive, pad, pad, pad, pad, positive, positive),
        fc.oneof(
          { arbitrary: fc.constant(1), weight: 4 },
          { arbitrary: fc.integer({ min: 0, max: 4 }), weight: 1 },
        ),
        fc.constantFrom('forward', 'input', 'filter'),
        mostly,
        (x, f, [sh, sw, pt, pb, pl, pr, dh, dw], groups, which, rightOut) => {
          const attrs = {
            strides: [sh, sw],
            pads: [
              [pt, pb],
              [pl, pr],
            ],
            dilations: [dh, dw],
            groups,
          } as unknown as Conv2DAttrs;
          const oh = Math.floor((x[1] + pt + pb - (f[0] - 1) * dh - 1) / sh) + 1;
          const ow = Math.floor((x[2] + pl + pr - (f[1] - 1) * dw - 1) / sw) + 1;
          const y = [x[0], rightOut ? oh : oh + 1, ow, f[3]];
          if (which === 'forward') {
            check([x, f], (b, [tx, tf]) => b.conv2d(tx, tf, attrs, { shape: y, dtype: 'float32' }), {
              shape: y,
              dtype: 'float32',
            });
          } else if (which === 'input') {
            check(
              [y, f],
              (b, [ty, tf]) => b.conv2dBackpropInput(ty, tf, attrs, { shape: x, dtype: 'float32' }),
              {
                shape: x,
                dtype: 'float32',
              },
            );
          } else {
            check(
              [x, y],
              (b, [tx, ty]) => b.conv2dBackpropFilter(tx, ty, attrs, { shape: f, dtype: 'float32' }),
              {
                shape: f,
                dtype: 'float32',
              },
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('pooling and its gradients', () => {
    fc.assert(
      fc.property(
        fc.tuple(dim, fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 }), dim),
        fc.tuple(positive, positive, positive, positive, pad, pad, pad, pad),
        fc.constantFrom('max', 'avg', 'maxGrad', 'avgGrad'),
        mostly,
        (x, [kh, kw, sh, sw, pt, pb, pl, pr], which, rightOut) => {
          const attrs = {
            window: [kh, kw],
            strides: [sh, sw],
            pads: [
              [pt, pb],
              [pl, pr],
            ],
          } as unknown as Pool2DAttrs;
          const oh = Math.floor((x[1] + pt + pb - kh) / sh) + 1;
          const ow = Math.floor((x[2] + pl + pr - kw) / sw) + 1;
          const y = [x[0], oh, rightOut ? ow : ow + 2, x[3]];
          const spec = (shape: number[]): OutSpec => ({ shape, dtype: 'float32' });
          if (which === 'max' || which === 'avg') {
            check([x], (b, [t]) => b.pool2d(which, t, attrs, spec(y)), spec(y));
          } else if (which === 'maxGrad') {
            check([y, x], (b, [ty, tx]) => b.maxPool2dGrad(ty, tx, attrs, spec(x)), spec(x));
          } else {
            check([y], (b, [ty]) => b.avgPool2dGrad(ty, attrs, spec(x)), spec(x));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gather and scatterAdd with any indices', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
        fc.array(
          fc.oneof({ arbitrary: fc.integer({ min: 0, max: 3 }), weight: 6 }, fc.integer({ min: -2, max: 6 })),
          {
            maxLength: 6,
          },
        ),
        fc.oneof({ arbitrary: fc.integer({ min: 0, max: 2 }), weight: 6 }, fc.constantFrom(-1, 3)),
        fc.boolean(),
        (xs, idx, axis, scatter) => {
          const before = wasm.memory();
          const ids = wasm.upload(Int32Array.from(idx), 'int32');
          const kIdx: KernelTensor = { id: ids, shape: [idx.length], dtype: 'int32' };
          const a = Math.min(Math.max(axis, 0), xs.length - 1);
          const other = [...xs.slice(0, a), idx.length, ...xs.slice(a + 1)];
          const spec = (shape: number[]): OutSpec => ({ shape, dtype: 'float32' });
          const indices = (b: Backend) => (b === wasm ? kIdx : cpuIndices(idx));
          if (!scatter) check([xs], (b, [x]) => b.gather(x, indices(b), axis, spec(other)), spec(other));
          else check([other], (b, [u]) => b.scatterAdd(u, indices(b), axis, spec(xs)), spec(xs));
          wasm.disposeData(ids);
          expect(wasm.memory()).toEqual(before);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('slice, pad and transpose', () => {
    const spec = (shape: number[]): OutSpec => ({ shape, dtype: 'float32' });
    const box = (x: number[]) =>
      fc.tuple(
        fc.tuple(...x.map((d) => fc.integer({ min: 0, max: d }))),
        fc.tuple(...x.map((d) => fc.integer({ min: 0, max: d }))),
        fc.integer({ min: 0, max: 3 }),
      );
    fc.assert(
      fc.property(
        shapeOf({ min: 0, max: 4 }).chain((x) =>
          fc.tuple(
            fc.constant(x),
            box(x),
            fc.shuffledSubarray(
              x.map((_, i) => i),
              { minLength: x.length },
            ),
          ),
        ),
        fc.array(attr(0), { maxLength: 4 }),
        fc.constantFrom('slice', 'pad', 'transpose'),
        ([x, [begin, extent, spoil], perm], pads, which) => {
          if (which === 'slice') {
            // In range unless spoiled: past the end, or a begin of the wrong rank.
            const size = extent.map((e, i) => Math.min(e, x[i] - begin[i]) + (spoil === 0 ? 1 : 0));
            const b = spoil === 1 ? begin.slice(1) : begin;
            check([x], (be, [t]) => be.slice(t, b, spec(size)), spec(size));
          } else if (which === 'pad') {
            const pp = x.map((_, i) => [pads[i] ?? 0, pads[(i + 1) % 4] ?? 0] as [number, number]);
            const out = x.map((d, i) => Math.max(0, d + pp[i][0] + pp[i][1]));
            check([x], (be, [t]) => be.pad(t, pp, 0.5, spec(out)), spec(out));
          } else {
            const p = spoil === 0 && perm.length > 1 ? [perm[0], ...perm.slice(0, -1)] : perm;
            const out = p.map((i) => x[i]);
            check([x], (be, [t]) => be.transpose(t, p, spec(out)), spec(out));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

const cpuIndexCache = new Map<string, KernelTensor>();
function cpuIndices(idx: number[]): KernelTensor {
  const key = idx.join(',');
  let t = cpuIndexCache.get(key);
  if (!t) {
    t = { id: cpu.upload(Int32Array.from(idx), 'int32'), shape: [idx.length], dtype: 'int32' };
    cpuIndexCache.set(key, t);
  }
  return t;
}
