/**
 * The random material of the differential fuzz: shapes of rank 0–6 (size-0 axes included), values of
 * each dtype (ordinary, or mixed with the special values every backend must keep), broadcast partners.
 */
import type { DType } from '@dendrite/core';
import fc from 'fast-check';

/** A tensor as the fuzz describes it: host values, uploaded to each backend in turn. */
export interface HostInput {
  readonly shape: number[];
  readonly dtype: DType;
  readonly data: number[];
}

/** The values no backend may lose (PyTorch keeps all of them): NaN, ±Inf, −0, subnormals, 1e30. */
export const SPECIALS: readonly number[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  1e-40,
  -1e-40,
  1e30,
];

/** Whether a run draws special values; set per property (ordinary and special runs are counted apart). */
export type ValueMode = 'ordinary' | 'special';

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/** A dimension: mostly 1–4, sometimes 0. */
export const dim = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 4 }), weight: 9 },
  { arbitrary: fc.constant(0), weight: 1 },
);

/** A shape of rank `min`..`max` (default 0–6) with at most 256 elements. */
export function shapeArb(min = 0, max = 6): fc.Arbitrary<number[]> {
  return fc.array(dim, { minLength: min, maxLength: max }).map((s) => {
    // Keep cases small: shrink the largest dims until the tensor fits.
    const out = [...s];
    while (size(out) > 256) out[out.indexOf(Math.max(...out))]--;
    return out;
  });
}

function floatValue(mode: ValueMode): fc.Arbitrary<number> {
  const ordinary = fc.float({ min: -3, max: 3, noNaN: true, noDefaultInfinity: true }).map((v) => v || 0);
  if (mode === 'ordinary') return ordinary;
  return fc.oneof({ arbitrary: ordinary, weight: 3 }, { arbitrary: fc.constantFrom(...SPECIALS), weight: 1 });
}

/** `n` values of `dtype`. Float32 values are exactly representable (what the backends receive). */
export function valuesArb(
  n: number,
  dtype: DType,
  mode: ValueMode,
  ints = { min: -5, max: 5 },
): fc.Arbitrary<number[]> {
  const one =
    dtype === 'float32'
      ? floatValue(mode).map(Math.fround)
      : dtype === 'int32'
        ? fc.integer(ints)
        : fc.integer({ min: 0, max: 1 });
  return fc.array(one, { minLength: n, maxLength: n });
}

export function inputArb(
  shape: number[],
  dtype: DType,
  mode: ValueMode,
  ints?: { min: number; max: number },
): fc.Arbitrary<HostInput> {
  return valuesArb(size(shape), dtype, mode, ints).map((data) => ({ shape, dtype, data }));
}

/** A shape that broadcasts with `shape` (leading axes dropped, some axes set to 1), or, rarely, one that does not. */
export function partnerArb(shape: readonly number[]): fc.Arbitrary<number[]> {
  return fc
    .record({
      drop: fc.integer({ min: 0, max: shape.length }),
      ones: fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
      wrong: fc.oneof(
        { arbitrary: fc.constant(-1), weight: 12 },
        { arbitrary: fc.integer({ min: 0, max: 5 }), weight: 1 },
      ),
    })
    .map(({ drop, ones, wrong }) => {
      const out = shape.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d));
      if (wrong >= 0 && out.length > 0) out[wrong % out.length] += 2; // a size that cannot broadcast
      return out;
    });
}

/** An axis of a tensor of `rank`, mostly valid, negative sometimes, out of range rarely. */
export function axisArb(rank: number): fc.Arbitrary<number> {
  const r = Math.max(rank, 1);
  return fc.oneof(
    { arbitrary: fc.integer({ min: -r, max: r - 1 }), weight: 15 },
    { arbitrary: fc.constantFrom(r, -r - 1), weight: 1 },
  );
}

export const floatOrInt = fc.oneof(
  { arbitrary: fc.constant<DType>('float32'), weight: 4 },
  { arbitrary: fc.constant<DType>('int32'), weight: 1 },
);
