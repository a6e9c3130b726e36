/**
 * Elementwise unary ops: one loop per op, so V8 compiles each to straight-line code.
 * Rounding: each element is computed in float64 (JavaScript numbers) and rounded once when stored.
 */
import type { UnaryOp } from '../../backend.js';
import type { DataArray } from '../../dtype.js';
import { erf } from './erf.js';

/** Round half to even, as PyTorch, NumPy and ONNX do. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `out[i] = op(x[i])`; `out` may be `x` (in place). */
export function unary(op: UnaryOp, x: DataArray, out: DataArray): void {
  const n = out.length;
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i];
      return;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]);
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
      return;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]);
      return;
    case 'rsqrt':
      for (let i = 0; i < n; i++) out[i] = 1 / Math.sqrt(x[i]);
      return;
    case 'square':
      for (let i = 0; i < n; i++) out[i] = x[i] * x[i];
      return;
    case 'reciprocal':
      for (let i = 0; i < n; i++) out[i] = 1 / x[i];
      return;
    case 'sin':
      for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]);
      return;
    case 'cos':
      for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
      return;
    case 'sigmoid':
      // Split by sign so exp never overflows.
      for (let i = 0; i < n; i++) {
        const v = x[i];
        if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          out[i] = e / (1 + e);
        }
      }
      return;
    case 'relu':
      // Not Math.max(x, 0): that gives +0 for -0, PyTorch's relu keeps -0 (and NaN).
      // biome-ignore lint/complexity/useMathMinMax: Math.max(-0, 0) is +0
      for (let i = 0; i < n; i++) out[i] = x[i] < 0 ? 0 : x[i];
      return;
    case 'erf':
      for (let i = 0; i < n; i++) out[i] = erf(x[i]);
      return;
    case 'sign':
      // PyTorch's sign(-0) is +0; NaN stays NaN (PyTorch's 0 would hide it: see the special goldens).
      for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? 1 : x[i] < 0 ? -1 : x[i] === 0 ? 0 : x[i];
      return;
    case 'floor':
      for (let i = 0; i < n; i++) out[i] = Math.floor(x[i]);
      return;
    case 'ceil':
      for (let i = 0; i < n; i++) out[i] = Math.ceil(x[i]);
      return;
    case 'round':
      for (let i = 0; i < n; i++) out[i] = roundHalfEven(x[i]);
      return;
    case 'expm1':
      for (let i = 0; i < n; i++) out[i] = Math.expm1(x[i]);
      return;
    case 'log1p':
      for (let i = 0; i < n; i++) out[i] = Math.log1p(x[i]);
      return;
    case 'logicalNot':
      for (let i = 0; i < n; i++) out[i] = x[i] ? 0 : 1;
      return;
    default: {
      const never: never = op;
      throw new Error(`unary: unknown op ${String(never)}`);
    }
  }
}
