/**
 * The kit's batchNormTrainingGrad against its definition in float64 (a plain loop of PyTorch's closed
 * form), over one block of summed rows and several (BATCH_NORM_GRAD_SUM_ROWS), with a rest; and the
 * blocks' order: the same values with the rows of two blocks swapped give the sums of the swapped
 * blocks (each block summed on its own, the blocks then added in order), NaN passing through.
 */
import { describe, expect, it } from 'vitest';
import { BATCH_NORM_GRAD_SUM_ROWS, batchNormTrainingGrad } from '../src/kit/index.js';

const EPS = 1e-5;

function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.37) * 2);
}

/** dx, dgamma, dbeta in float64 from the float32 inputs. */
function reference(
  dy: Float32Array,
  x: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array,
) {
  const c = mean.length;
  const rows = x.length / c;
  const rstd = Array.from(variance, (v) => 1 / Math.sqrt(v + EPS));
  const xhat = (r: number, i: number) => (x[r * c + i] - mean[i]) * rstd[i];
  const dbeta = new Float64Array(c);
  const dgamma = new Float64Array(c);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < c; i++) {
      dbeta[i] += dy[r * c + i];
      dgamma[i] += dy[r * c + i] * xhat(r, i);
    }
  }
  const dx = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < c; i++) {
      dx[r * c + i] =
        gamma[i] * rstd[i] * (dy[r * c + i] - dbeta[i] / rows - (xhat(r, i) * dgamma[i]) / rows);
    }
  }
  return [dx, dgamma, dbeta];
}

function run(
  dy: Float32Array,
  x: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array,
) {
  const c = mean.length;
  const out = [new Float32Array(x.length), new Float32Array(c), new Float32Array(c)] as const;
  batchNormTrainingGrad(dy, x, mean, variance, gamma, EPS, ...out);
  return out;
}

describe('kit batchNormTrainingGrad', () => {
  for (const [rows, c] of [
    [7, 3],
    [BATCH_NORM_GRAD_SUM_ROWS, 2],
    [2 * BATCH_NORM_GRAD_SUM_ROWS + 37, 5],
  ]) {
    it(`[${rows}, ${c}] against the float64 definition`, () => {
      const [dy, x] = [values(rows * c, 1), values(rows * c, 2)];
      const mean = values(c, 3);
      const variance = Float32Array.from(values(c, 4), (v) => Math.abs(v) + 0.5);
      const gamma = values(c, 5);
      const got = run(dy, x, mean, variance, gamma);
      const want = reference(dy, x, mean, variance, gamma);
      for (let k = 0; k < 3; k++) {
        const scale = Math.max(...Array.from(want[k], Math.abs));
        for (let i = 0; i < want[k].length; i++)
          expect(Math.abs(got[k][i] - want[k][i])).toBeLessThan(1e-5 * scale);
      }
    });
  }

  it('sums each block of rows on its own, then the blocks in order; NaN passes through', () => {
    const b = BATCH_NORM_GRAD_SUM_ROWS;
    const rows = 2 * b;
    // Channel 1: 2^53, ones, and −2^53 in the last row. Row by row every 1 is lost against 2^53 (float64)
    // and the sum is 0; block by block, block 0 is 2^53, block 1 is b − 1 ones then −2^53, exactly: b − 1.
    const c = 2;
    const dy = new Float32Array(rows * c);
    for (let r = 0; r < rows; r++) {
      dy[r * c] = r < b ? 0 : 1;
      dy[r * c + 1] = r === 0 ? 2 ** 53 : r === rows - 1 ? -(2 ** 53) : 1;
    }
    const x = new Float32Array(rows * c);
    const zeros = new Float32Array(c);
    const ones = Float32Array.of(1, 1);
    const [, , dbeta] = run(dy, x, zeros, ones, ones);
    expect(dbeta[1]).toBe(b - 1);
    expect(dbeta[0]).toBe(b);
    dy[5 * c] = Number.NaN;
    const [dx, dgamma, dbeta2] = run(dy, x, zeros, ones, ones);
    expect(dbeta2[0]).toBeNaN();
    expect(dgamma[0]).toBeNaN();
    expect(dx[0]).toBeNaN();
    expect(dbeta2[1]).toBe(dbeta[1]);
  });
});
