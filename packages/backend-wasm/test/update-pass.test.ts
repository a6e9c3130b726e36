/**
 * The fused optimizer passes (one emitted loop per update) against the kit's scalar loops, which round
 * every step to float32 as the unfused ops do: bit-identical (NaN where NaN), at lengths around the
 * four-lane boundary, special values included, for every SGD and Adam variant that has a program.
 */
import type { OptimizerHyper } from '@dendrite/core';
import * as kit from '@dendrite/core/kit';
import { describe, expect, it } from 'vitest';
import { updateFunction } from '../src/codegen/update-pass.js';
import { moduleBytes } from '../src/codegen/wasm-encoder.js';
import { adamProgram, sgdProgram } from '../src/kernels/optimizer.js';

const memory = new WebAssembly.Memory({ initial: 8 });
const LENGTHS = [0, 1, 3, 4, 5, 17, 1001];
const SPECIALS = [
  0,
  -0,
  1,
  -2.5,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  1e-40,
  3e38,
];
const BLOCK = 2048;

function fill(f: Float32Array, n: number, seed: number, positive: boolean) {
  for (let i = 0; i < n; i++) {
    const v = i < SPECIALS.length && seed === 2 ? SPECIALS[i] : Math.sin(i * 7.1 + seed) * 3;
    f[i] = positive ? Math.abs(v) : v;
  }
}

function sameBits(got: Float32Array, want: Float32Array) {
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i])) expect(got[i], `element ${i}`).toBeNaN();
    else expect(Object.is(got[i], want[i]), `element ${i}: ${got[i]} vs ${want[i]}`).toBe(true);
  }
}

/** Runs the program on blocks at 0, BLOCK, 2·BLOCK… floats; the scalars after them. */
function runPass(b: ReturnType<typeof sgdProgram>['b'], ins: Float32Array[], n: number): Float32Array[] {
  const f32 = new Float32Array(memory.buffer);
  const outs = b.outputs.length;
  for (const [j, x] of ins.entries()) f32.set(x, j * BLOCK);
  const at = (j: number) => j * BLOCK * 4;
  const scalarsAt = (b.inputs + outs) * BLOCK;
  f32.set(b.scalars, scalarsAt);
  const module = new WebAssembly.Module(moduleBytes([updateFunction(b.program())], false));
  const f = new WebAssembly.Instance(module, { env: { memory } }).exports.update as (...a: number[]) => void;
  const pointers = Array.from({ length: b.inputs + outs }, (_, j) => at(j));
  f(...pointers, scalarsAt * 4, n);
  return Array.from({ length: outs }, (_, j) =>
    f32.slice((b.inputs + j) * BLOCK, (b.inputs + j) * BLOCK + n),
  );
}

const SGD: OptimizerHyper[] = [
  { lr: 0.1 },
  { lr: 0.1, weightDecay: 0.01 },
  { lr: 0.05, momentum: 0.9, firstStep: true, weightDecay: 0.01 },
  { lr: 0.05, momentum: 0.9, dampening: 0.1 },
  { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
];
const ADAM: OptimizerHyper[] = [
  { lr: 1e-3, step: 1 },
  { lr: 1e-3, step: 7, beta1: 0.8, beta2: 0.99, eps: 1e-6 },
  { lr: 1e-2, step: 3, weightDecay: 0.1 },
  { lr: 1e-2, step: 3, weightDecay: 0.1, decoupledWeightDecay: true },
];

describe('fused optimizer passes', () => {
  for (const h of SGD)
    it(`sgd ${JSON.stringify(h)}`, () => {
      for (const n of LENGTHS) {
        const [p, g, buf] = [0, 1, 2].map((s) => {
          const x = new Float32Array(n);
          fill(x, n, s + 1, false);
          return x;
        });
        const momentum = (h.momentum ?? 0) > 0;
        const wantP = new Float32Array(n);
        const wantBuf = momentum ? new Float32Array(n) : null;
        kit.sgdUpdate(p, g, momentum ? buf : null, h, wantP, wantBuf);
        const { b } = sgdProgram(h);
        const got = runPass(b, [p, g, buf].slice(0, b.inputs), n);
        sameBits(got[got.length - 1], wantP);
        if (wantBuf) sameBits(got[0], wantBuf);
      }
    });
  for (const h of ADAM)
    it(`adam ${JSON.stringify(h)}`, () => {
      for (const n of LENGTHS) {
        const [p, g, m, v] = [0, 1, 2, 3].map((s) => {
          const x = new Float32Array(n);
          fill(x, n, s + 1, s === 3);
          return x;
        });
        const want = [new Float32Array(n), new Float32Array(n)];
        const wantP = new Float32Array(n);
        kit.adamUpdate(p, g, [m, v], h, wantP, want);
        const { b } = adamProgram(h);
        const [gotM, gotV, gotP] = runPass(b, [p, g, m, v], n);
        sameBits(gotM, want[0]);
        sameBits(gotV, want[1]);
        sameBits(gotP, wantP);
      }
    });
});
