/** Elementwise comparison with `|actual - expected| <= atol + rtol * |expected|` (NaN equals NaN). */
import type { Tolerance } from './schema.js';

export interface Comparison {
  readonly ok: boolean;
  readonly maxAbsErr: number;
  readonly maxRelErr: number;
  /** First offending element, for the report. */
  readonly worst?: { index: number; actual: number; expected: number };
}

export function compareValues(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
): Comparison {
  if (actual.length !== expected.length) {
    return { ok: false, maxAbsErr: Infinity, maxRelErr: Infinity };
  }
  let ok = true;
  let maxAbsErr = 0;
  let maxRelErr = 0;
  let worst: Comparison['worst'];
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (tol.signedZero && e === 0 && a === 0 && Object.is(e, -0) !== Object.is(a, -0)) {
      if (ok) worst = { index: i, actual: a, expected: e };
      ok = false;
      continue;
    }
    if (!Number.isFinite(e) && a === e) continue;
    const abs = Math.abs(a - e);
    const err = Number.isNaN(abs) ? Infinity : abs;
    const rel = e === 0 ? (err === 0 ? 0 : Infinity) : err / Math.abs(e);
    if (err > maxAbsErr) maxAbsErr = err;
    if (rel > maxRelErr && Number.isFinite(rel)) maxRelErr = rel;
    if (!(err <= tol.atol + tol.rtol * Math.abs(e))) {
      if (ok) worst = { index: i, actual: a, expected: e };
      ok = false;
    }
  }
  return { ok, maxAbsErr, maxRelErr, worst };
}
