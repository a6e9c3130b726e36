/**
 * Test helpers: a wasm backend per test file, backend-cpu as the independent reference, the leak check,
 * and `expectMatchesCpu` — the same computation on both backends, values and gradients compared — and
 * the convolution cases the conv kernels' tests share.
 */
import { createCpuBackend } from '@dendrite/backend-cpu';
import {
  conv2d,
  type DType,
  memory,
  mul,
  type Padding,
  Rng,
  registerBackend,
  setBackend,
  sum,
  type Tensor,
  tensor,
  tidy,
  valueAndGrad,
} from '@dendrite/core';
import { expect } from 'vitest';

export { expectNoLeak } from '@dendrite/test-utils';

import { createWasmBackend, type WasmBackend, type WasmBackendOptions } from '../src/node.js';

export const CPU = 'cpu-reference';
registerBackend(CPU, () => createCpuBackend(CPU), -10);

/** The shaped-kernel keys (EmittedKernels.shareShaped) that `f` ran on `backend`: which path it took. */
export async function shapedKeysDuring(
  backend: WasmBackend,
  f: () => Promise<void> | void,
): Promise<string[]> {
  const emitted = backend.runtime.instance.emitted!;
  const keys: string[] = [];
  const { shareShaped } = emitted;
  emitted.shareShaped = (key, functions, pointers, units) => {
    keys.push(key);
    shareShaped.call(emitted, key, functions, pointers, units);
  };
  try {
    await f();
  } finally {
    Reflect.deleteProperty(emitted, 'shareShaped');
  }
  return keys;
}

/** Registers a fresh wasm backend under `name`, makes it current and returns it. */
export async function useWasm(
  name = 'wasm-test',
  options: WasmBackendOptions = { threads: 1 },
): Promise<WasmBackend> {
  const backend = await createWasmBackend(options);
  registerBackend(name, () => backend, -1);
  await setBackend(name);
  return backend;
}

export interface Input {
  readonly shape: readonly number[];
  readonly values: ArrayLike<number>;
  readonly dtype?: DType;
}

/** Normal(0, 1) values from a seeded generator, as a plain array (reusable on every backend). */
export function randn(shape: readonly number[], seed: number): Input {
  const n = shape.reduce((p, d) => p * d, 1);
  return { shape, values: Array.from(new Rng(seed).normalValues(n), Math.fround) };
}

export function ints(shape: readonly number[], values: number[]): Input {
  return { shape, values, dtype: 'int32' };
}

interface Evaluated {
  readonly value: number[];
  readonly grads: number[][];
}

/** f's output, and the gradient of sum(f(xs) * w) with respect to every float input (w fixed, random). */
export async function evaluate(
  backend: string,
  inputs: readonly Input[],
  f: (...xs: Tensor[]) => Tensor,
  grads: boolean,
) {
  await setBackend(backend);
  return tidy(() => {
    const xs = inputs.map((i) => tensor(Array.from(i.values), i.shape, i.dtype ?? 'float32'));
    const y = f(...xs);
    const value = Array.from(y.dataSync());
    if (!grads || y.dtype !== 'float32') return { value, grads: [] } as Evaluated;
    const w = tensor(
      value.map((_, i) => Math.sin(i * 0.7 + 0.3)),
      y.shape,
    );
    const floatIdx = inputs
      .map((inp, i) => ((inp.dtype ?? 'float32') === 'float32' ? i : -1))
      .filter((i) => i >= 0);
    const vg = valueAndGrad((...fs: Tensor[]) => {
      const all = xs.map((x, i) => (floatIdx.includes(i) ? fs[floatIdx.indexOf(i)] : x));
      return sum(mul(f(...all), w));
    })(...floatIdx.map((i) => xs[i]));
    return { value, grads: vg.grads.map((g) => Array.from(g.dataSync())) } as Evaluated;
  });
}

function expectClose(got: number[], want: number[], rtol: number, atol: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (g === w) continue;
    const err = Math.abs(g - w) - (atol + rtol * Math.abs(w));
    if (!(err <= worst)) {
      worst = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
      at = i;
    }
  }
  expect(at, `${what}: element ${at} is ${got[at]}, expected ${want[at]}`).toBe(-1);
}

/**
 * Runs `f` on backend-cpu (or `reference`, an equivalent composition, where cpu lacks a case) and on the
 * wasm backend with the same inputs and expects the same values and gradients, and no leak on the wasm
 * side.
 */
export async function expectMatchesCpu(
  wasm: string,
  inputs: readonly Input[],
  f: (...xs: Tensor[]) => Tensor,
  {
    rtol = 1e-4,
    atol = 1e-5,
    grads = true,
    reference = f,
  }: { rtol?: number; atol?: number; grads?: boolean; reference?: (...xs: Tensor[]) => Tensor } = {},
): Promise<void> {
  const want = await evaluate(CPU, inputs, reference, grads);
  await setBackend(wasm);
  const before = memory();
  const got = await evaluate(wasm, inputs, f, grads);
  const after = memory();
  expect({ tensors: after.tensors, bytes: after.bytes }).toEqual({
    tensors: before.tensors,
    bytes: before.bytes,
  });
  expectClose(got.value, want.value, rtol, atol, 'value');
  expect(got.grads.length).toBe(want.grads.length);
  got.grads.forEach((g, i) => {
    expectClose(g, want.grads[i], rtol, atol, `gradient ${i}`);
  });
}

/** A convolution test case: x's and the filter's shapes and conv2d's options. */
export interface ConvCase {
  readonly x: readonly number[];
  readonly f: readonly number[];
  readonly strides?: number;
  readonly padding?: Padding;
  readonly dilations?: number;
  readonly groups?: number;
}

/** conv2d with the case's options. */
export function convOf(c: ConvCase): (x: Tensor, f: Tensor) => Tensor {
  return (x, f) =>
    conv2d(x, f, { strides: c.strides, padding: c.padding, dilations: c.dilations, groups: c.groups });
}

/**
 * The filter gradient of sum(conv2d(x, f) · w) on the current backend, as float32 bits (x and f from
 * randn with seeds 3 and 4, w fixed): for comparing threaded runs bit for bit.
 */
export function filterGradBits(c: ConvCase): Uint32Array {
  return tidy(() => {
    const xs = randn(c.x, 3);
    const fs = randn(c.f, 4);
    const x = tensor(Array.from(xs.values), xs.shape);
    const f = tensor(Array.from(fs.values), fs.shape);
    const conv = convOf(c);
    const vg = valueAndGrad((ft: Tensor) => {
      const y = conv(x, ft);
      const w = tensor(
        Array.from({ length: y.size }, (_, i) => Math.sin(i * 0.37) * 3),
        y.shape,
      );
      return sum(mul(y, w));
    })(f);
    return new Uint32Array(Float32Array.from(vg.grads[0].dataSync()).buffer);
  });
}
