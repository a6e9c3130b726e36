/**
 * Runs one fuzz case on every backend and compares: the same dtypes, shapes and values (within the
 * conformance tolerance, scaled by the inputs' magnitude; NaN only where NaN, ±Inf only where the same
 * ±Inf), or the same typed error naming the same op on all of them. The first backend is the reference.
 */

import type { DataArray, DType, Tensor } from '@dendrite/core';
import * as d from '@dendrite/core';
import type { FuzzCase } from './ops.js';

/** The conformance suite's tolerance for kernels compared against each other (FUSED_TOLERANCE). */
export const FUZZ_TOLERANCE = { rtol: 1e-4, atol: 1e-5 } as const;

type Outcome =
  | {
      readonly kind: 'values';
      readonly outputs: { shape: readonly number[]; dtype: DType; data: DataArray }[];
    }
  | { readonly kind: 'error'; readonly error: string; readonly op: string; readonly message: string };

export interface CaseVerdict {
  /** Whether the reference backend accepted the call. */
  readonly valid: boolean;
  /** Why the backends disagree (undefined: they agree). */
  readonly disagreement?: string;
  /**
   * A difference explained by IEEE arithmetic itself, not a lost special value: a contraction (matmul,
   * convolution, product, normalisation) whose ±Infinity inputs, or float32 overflow of its partial
   * results, give ±Inf in one accumulation order and NaN (Inf − Inf, Inf · 0 of a padding tap) in another.
   * backend-cpu accumulates in float64, the compiled kernels in float32, PyTorch's CPU and CUDA kernels
   * differ the same way. Never used when an input is NaN, so a dropped NaN is always a disagreement.
   */
  readonly explained?: string;
}

async function runOn(backend: string, c: FuzzCase): Promise<Outcome> {
  await d.setBackend(backend);
  const before = d.memory();
  let outcome: Outcome;
  try {
    outcome = await d.tidy(async () => {
      const xs = c.inputs.map((h) =>
        d.tensor(
          h.dtype === 'float32'
            ? Float32Array.from(h.data)
            : h.dtype === 'int32'
              ? Int32Array.from(h.data)
              : Uint8Array.from(h.data),
          h.shape,
          h.dtype,
        ),
      );
      const y = c.run(xs);
      const ys = Array.isArray(y) ? (y as Tensor[]) : [y as Tensor];
      const outputs = [];
      for (const t of ys) outputs.push({ shape: t.shape, dtype: t.dtype, data: await t.data() });
      return { kind: 'values' as const, outputs };
    });
  } catch (e) {
    if (!(e instanceof d.DendriteError)) {
      return { kind: 'error', error: e instanceof Error ? e.name : 'throw', op: '', message: String(e) };
    }
    outcome = { kind: 'error', error: e.name, op: e.op, message: e.message };
  }
  const after = d.memory();
  if (after.tensors !== before.tensors || after.bytes !== before.bytes) {
    return {
      kind: 'error',
      error: 'Leak',
      op: '',
      message: `${after.tensors - before.tensors} tensors leaked`,
    };
  }
  return outcome;
}

/** Largest finite |value| over the inputs (at least 1). */
function magnitude(c: FuzzCase): number {
  let m = 1;
  for (const h of c.inputs)
    for (const v of h.data) if (Number.isFinite(v) && Math.abs(v) > m) m = Math.abs(v);
  return m;
}

function sameValue(a: number, e: number, atol: number): boolean {
  if (Number.isNaN(e) || Number.isNaN(a)) return Number.isNaN(e) && Number.isNaN(a);
  if (!Number.isFinite(e) || !Number.isFinite(a)) {
    // An infinity must match, unless the other side is beyond float32's range by rounding order alone.
    return a === e || Math.min(Math.abs(a), Math.abs(e)) > 1e37;
  }
  return Math.abs(a - e) <= atol + FUZZ_TOLERANCE.rtol * Math.abs(e);
}

/** True where the case's non-finite results depend on the accumulation order (see CaseVerdict.explained). */
function orderDependent(c: FuzzCase): boolean {
  if ((c.degree ?? 1) < 2 && (c.terms ?? 1) <= 1) return false;
  let inf = false;
  for (const h of c.inputs) {
    for (const v of h.data) {
      if (Number.isNaN(v)) return false;
      if (!Number.isFinite(v)) inf = true;
    }
  }
  return inf || magnitude(c) ** (c.degree ?? 1) * (c.terms ?? 1) > 3.4e38;
}

/** Both non-finite, or both finite and one of them rounded from an overflow. */
function nonFinitePair(a: number, e: number): boolean {
  return !Number.isFinite(a) && !Number.isFinite(e);
}

function compare(ref: Outcome, got: Outcome, c: FuzzCase, lenient = false): string | undefined {
  if (ref.kind === 'error' || got.kind === 'error') {
    if (ref.kind === 'error' && got.kind === 'error') {
      if (ref.error === got.error && ref.op === got.op) return undefined;
      return `errors differ: ${ref.message} vs ${got.message}`;
    }
    return ref.kind === 'error'
      ? `reference threw ${ref.message}; this backend returned values`
      : `threw ${(got as { message: string }).message}`;
  }
  if (ref.outputs.length !== got.outputs.length)
    return `${got.outputs.length} outputs vs ${ref.outputs.length}`;
  // Rounding error grows with the inputs' magnitude (to its degree) and the number of terms summed.
  const scale = magnitude(c) ** (c.degree ?? 1) * Math.max(1, c.terms ?? 1);
  const atol = FUZZ_TOLERANCE.atol * scale;
  for (let o = 0; o < ref.outputs.length; o++) {
    const r = ref.outputs[o];
    const g = got.outputs[o];
    if (r.dtype !== g.dtype) return `output ${o}: dtype ${g.dtype} vs ${r.dtype}`;
    if (r.shape.length !== g.shape.length || r.shape.some((v, i) => v !== g.shape[i])) {
      return `output ${o}: shape ${d.fmtValue(g.shape)} vs ${d.fmtValue(r.shape)}`;
    }
    const exact = r.dtype !== 'float32';
    for (let i = 0; i < r.data.length; i++) {
      const ok = exact
        ? r.data[i] === g.data[i]
        : sameValue(g.data[i], r.data[i], atol) || (lenient && nonFinitePair(g.data[i], r.data[i]));
      if (!ok) return `output ${o} element ${i}: ${g.data[i]} vs ${r.data[i]}`;
    }
  }
  return undefined;
}

/** `c` with every subnormal float32 input replaced by a zero of its sign. */
function flushSubnormals(c: FuzzCase): FuzzCase {
  const flush = (v: number) => (v !== 0 && Math.abs(v) < 2 ** -126 ? (v < 0 ? -0 : 0) : v);
  return {
    ...c,
    inputs: c.inputs.map((h) => (h.dtype === 'float32' ? { ...h, data: h.data.map(flush) } : h)),
  };
}

/**
 * Runs `c` on each of `backends` (the first is the reference) and compares every one with it. A backend
 * in `flushing` runs where arithmetic flushes subnormals to zero (WGSL allows it; software adapters do):
 * it may instead agree with the reference run on the inputs so flushed.
 */
export async function judgeCase(
  backends: readonly string[],
  c: FuzzCase,
  flushing: ReadonlySet<string> = new Set(),
): Promise<CaseVerdict> {
  const ref = await runOn(backends[0], c);
  const problems: string[] = [];
  if (ref.kind === 'error' && (ref.error === 'Leak' || ref.op === ''))
    problems.push(`${backends[0]}: ${ref.message}`);
  const explained: string[] = [];
  let flushedRef: Outcome | null = null;
  for (const b of backends.slice(1)) {
    const got = await runOn(b, c);
    let why = compare(ref, got, c);
    if (why && flushing.has(b)) {
      const flushed = flushSubnormals(c);
      flushedRef ??= await runOn(backends[0], flushed);
      if (!compare(flushedRef, got, flushed)) why = undefined;
    }
    if (!why) continue;
    if (orderDependent(c) && !compare(ref, got, c, true)) explained.push(`${b} vs ${backends[0]}: ${why}`);
    else problems.push(`${b} vs ${backends[0]}: ${why}`);
  }
  return {
    valid: ref.kind === 'values',
    disagreement: problems.length ? problems.join('; ') : undefined,
    explained: explained.length ? explained.join('; ') : undefined,
  };
}
