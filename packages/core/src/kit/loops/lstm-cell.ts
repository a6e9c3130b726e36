/**
 * One LSTM cell step from its gate pre-activations: gates `[B, 4H]` (blocks i, f, g, o), c `[B, H]` ->
 * out `[B, 2H]` holding h' then c'.
 * Rounding: the gates are float64; c' is rounded to float32 before h' uses it, as the unfused ops would.
 */

function sigmoid(v: number): number {
  const e = Math.exp(-Math.abs(v));
  return v >= 0 ? 1 / (1 + e) : e / (1 + e);
}

export function lstmCell(
  gates: Float32Array,
  c: Float32Array,
  batch: number,
  hidden: number,
  out: Float32Array,
): void {
  for (let b = 0; b < batch; b++) {
    const g0 = b * 4 * hidden;
    const c0 = b * hidden;
    const o0 = b * 2 * hidden;
    for (let j = 0; j < hidden; j++) {
      const i = sigmoid(gates[g0 + j]);
      const f = sigmoid(gates[g0 + hidden + j]);
      const g = Math.tanh(gates[g0 + 2 * hidden + j]);
      const o = sigmoid(gates[g0 + 3 * hidden + j]);
      const cNext = Math.fround(f * c[c0 + j] + i * g);
      out[o0 + hidden + j] = cNext;
      out[o0 + j] = o * Math.tanh(cNext);
    }
  }
}
