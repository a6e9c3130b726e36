/** Shared test helpers: the CPU backend, ONNX Runtime sessions, the onnx checker, the tolerance of the issue. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad, Rng, type Tensor, tidy } from '@dendrite/core';
import type { Module } from '@dendrite/layers';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { NCHW_TO_NHWC, NHWC_TO_NCHW, permuteData, permuteShape } from '../src/layout.js';

export { expectNoLeak, useCpu } from '@dendrite/test-utils';

/** |a - e| <= 1e-4 + 1e-3·|e| for every element; reports the worst one. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what = 'output'): void {
  expect(actual.length, `${what}: element count`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - (1e-4 + 1e-3 * Math.abs(expected[i]));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(
      `${what}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (tolerance 1e-4 + 1e-3·|e|)`,
    );
  }
}

/** Values in ONNX layout (rank 4: NCHW) from a Dendrite tensor's (NHWC). */
export function toOnnxLayout(data: Float32Array, shape: readonly number[]) {
  if (shape.length !== 4) return { data, shape: [...shape] };
  return { data: permuteData(data, shape, NHWC_TO_NCHW), shape: permuteShape(shape, NHWC_TO_NCHW) };
}

export function toDendriteLayout(data: Float32Array, shape: readonly number[]) {
  if (shape.length !== 4) return { data, shape: [...shape] };
  return { data: permuteData(data, shape, NCHW_TO_NHWC), shape: permuteShape(shape, NCHW_TO_NHWC) };
}

/** Runs an ONNX model in ONNX Runtime (CPU) on one input; returns its first output. */
export async function runOrt(
  model: Uint8Array,
  input: { data: Float32Array | Int32Array; shape: readonly number[] },
): Promise<{ data: Float32Array; shape: number[] }> {
  const session = await ort.InferenceSession.create(model);
  try {
    const type = input.data instanceof Int32Array ? 'int32' : 'float32';
    const feeds = { [session.inputNames[0]]: new ort.Tensor(type, input.data, [...input.shape]) };
    const out = (await session.run(feeds))[session.outputNames[0]];
    return { data: out.data as Float32Array, shape: out.dims.map(Number) };
  } finally {
    await session.release();
  }
}

/** Gives batch norm layers non-trivial running statistics: a few training-mode passes on random data. */
export function warmUpBatchNorm(model: Module, x: Tensor): void {
  model.train();
  noGrad(() => {
    for (let i = 0; i < 2; i++) tidy(() => model.forward(x));
  });
  model.eval();
}

export const rng = (seed: number) => new Rng(seed);

const PYTHON = '/usr/bin/python3';
/** Whether the `onnx` Python package (Debian's python3-onnx) is there to check models with. */
export const hasOnnxChecker = spawnSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;

/** Runs onnx.checker (full check, with shape inference) on a model; fails the test when it objects. */
export function expectOnnxCheckerAccepts(model: Uint8Array): void {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-check-'));
  try {
    const path = join(dir, 'model.onnx');
    writeFileSync(path, model);
    const r = spawnSync(
      PYTHON,
      ['-c', 'import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', path],
      { encoding: 'utf8' },
    );
    expect(r.status, `onnx.checker: ${r.stderr}`).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
