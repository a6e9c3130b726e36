/**
 * `setCheckNumerics(true)`: every float32 output of every op is checked for NaN and ±Infinity as it is
 * made, in core's single path to the kernels (runKernel, and the fused optimizer update), so it covers
 * every op on every backend. The first op whose output is not finite raises `NonFiniteError` naming the
 * op, its output and its inputs' shapes with their min, max and NaN/Infinity counts; inputs that were
 * already non-finite show that the values came from outside (data, an uploaded tensor).
 *
 * Cost (it is a debugging mode, off by default): on a backend that reads synchronously (cpu, wasm) every
 * output is read back at once — a copy of every intermediate — and the error is thrown by the op itself.
 * On an asynchronous backend (WebGPU) each output gets two extra kernels (x − x, summed: NaN exactly
 * when some element is not finite) and its inputs' storage is held until the next read settles the
 * check (see deferred-checks.ts; `train` reads once per step): the error is thrown by that read and still
 * names the first op, in call order. Intentional infinities (a −Infinity attention mask) are reported too.
 */
import type { Backend, DataId } from '../backend.js';
import type { DataArray, DType } from '../dtype.js';
import { engine, type Storage } from '../engine.js';
import { fmtShape, NonFiniteError } from '../errors.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { deferCheck } from './deferred-checks.js';

let enabled = false;

/** Turns the check of every op's output on or off (process-wide). Returns the previous setting. */
export function setCheckNumerics(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

export function isCheckingNumerics(): boolean {
  return enabled;
}

interface Stats {
  min: number;
  max: number;
  nan: number;
  posInf: number;
  negInf: number;
}

function statsOf(values: DataArray): Stats {
  const s: Stats = { min: Infinity, max: -Infinity, nan: 0, posInf: 0, negInf: 0 };
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) s.nan++;
    else {
      if (v === Infinity) s.posInf++;
      else if (v === -Infinity) s.negInf++;
      if (v < s.min) s.min = v;
      if (v > s.max) s.max = v;
    }
  }
  return s;
}

const nonFinite = (s: Stats) => s.nan + s.posInf + s.negInf;

function describeStats(s: Stats, size: number): string {
  const range = size === s.nan ? 'no finite values' : `min ${s.min} max ${s.max}`;
  return `${range}, NaN ${s.nan}, +Infinity ${s.posInf}, −Infinity ${s.negInf}`;
}

interface HeldInput {
  readonly storage: Storage;
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
}

interface InputsDescription {
  readonly text: string;
  readonly anyNonFinite: boolean;
}

/** Shapes and statistics of an op's inputs; `valuesOf(i)` gives input i's values (not for bool). */
function describeInputs(inputs: readonly HeldInput[], valuesOf: (i: number) => DataArray): InputsDescription {
  if (inputs.length === 0) return { text: 'no inputs', anyNonFinite: false };
  let anyNonFinite = false;
  const parts = inputs.map((x, i) => {
    const head = `#${i} ${x.dtype}${fmtShape(x.shape)}`;
    if (x.dtype === 'bool' || x.size === 0) return head;
    const s = statsOf(valuesOf(i));
    if (nonFinite(s) > 0) anyNonFinite = true;
    return `${head} ${describeStats(s, x.size)}`;
  });
  return { text: parts.join('; '), anyNonFinite };
}

function failure(op: string, output: string, inputs: InputsDescription) {
  const origin = inputs.anyNonFinite
    ? ' (an input was already non-finite: it came from outside the checked ops, e.g. data or a tensor made from values)'
    : '';
  return new NonFiniteError(op, `output ${output} is not finite${origin}; inputs: ${inputs.text}`);
}

const hold = (t: Tensor): HeldInput => ({
  storage: t.storage,
  shape: t.shape,
  dtype: t.dtype,
  size: t.size,
});

/** Called for each op's outputs while the check is on; throws (sync backends) or defers (async ones). */
export function inspectOutputs(op: string, inputs: readonly Tensor[], outputs: readonly Tensor[]): void {
  for (const y of outputs) {
    if (y.dtype !== 'float32' || y.size === 0) continue;
    const backend = y.storage.backend;
    if (backend.readSync) inspectNow(op, inputs, y, backend);
    else inspectLater(op, inputs, y, backend);
  }
}

function inspectNow(op: string, inputs: readonly Tensor[], y: Tensor, backend: Backend): void {
  const read = (id: DataId, dtype: DType, size: number) => backend.readSync!(id, dtype, size);
  const s = statsOf(read(y.storage.id, 'float32', y.size));
  if (nonFinite(s) === 0) return;
  const held = inputs.map(hold);
  const described = describeInputs(held, (i) => read(held[i].storage.id, held[i].dtype, held[i].size));
  throw failure(op, `float32${fmtShape(y.shape)} (${describeStats(s, y.size)})`, described);
}

function inspectLater(op: string, inputs: readonly Tensor[], y: Tensor, backend: Backend): void {
  const k = y.kernelView(op);
  const spec = { shape: y.shape, dtype: 'float32' as const };
  // x − x is 0 for every finite x and NaN for NaN and ±Infinity; its sum is NaN exactly when one is.
  const diff = backend.binary('sub', k, k, spec);
  let flag: DataId = diff;
  if (y.rank > 0) {
    flag = backend.reduce(
      'sum',
      { id: diff, ...spec },
      y.shape.map((_, i) => i),
      { shape: [], dtype: 'float32' },
    );
    backend.disposeData(diff);
  }
  // The inputs' storage is held (not their handles) so their statistics can be read if this op fails.
  const held = inputs.map(hold);
  for (const h of held) h.storage.refs++;
  const output = `float32${fmtShape(y.shape)}`;
  deferCheck({
    backend,
    id: flag,
    size: 1,
    verdict: async ([sum]) => {
      if (Number.isFinite(sum)) return null;
      const values = await Promise.all(
        held.map((x) =>
          x.dtype === 'bool' || x.size === 0 ? null : backend.read(x.storage.id, x.dtype, x.size),
        ),
      );
      const described = describeInputs(held, (i) => values[i]!);
      return failure(op, `${output} (holds NaN or ±Infinity)`, described);
    },
    release: () => {
      for (const h of held) engine.releaseStorage(h.storage);
    },
  });
}
