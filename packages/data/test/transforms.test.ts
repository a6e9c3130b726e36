import { ArgumentError, DTypeError, Rng, ShapeError } from '@dendrite/core';
import { describe, expect, it } from 'vitest';
import {
  ArrayDataset,
  compose,
  fitMinMax,
  fitStandardize,
  gaussianNoise,
  hostTensor,
  label,
  normalize,
  oneHot,
  randomCrop,
  randomHorizontalFlip,
  type Sample,
} from '../src/index.js';

const values = (s: Sample, key = 'x') => Array.from(s[key].data);
/** An image sample [h, w, c] whose value at (y, x, ch) is 100y + 10x + ch. */
function image(h: number, w: number, c: number): Sample {
  const data = new Float32Array(h * w * c);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let ch = 0; ch < c; ch++) data[(y * w + x) * c + ch] = 100 * y + 10 * x + ch;
  return { x: hostTensor(data, [h, w, c]), y: label(1) };
}
const at = (s: Sample, y: number, x: number, ch: number) => {
  const [, w, c] = s.x.shape;
  return s.x.data[(y * w + x) * c + ch];
};

describe('normalize', () => {
  it('subtracts and divides per last-axis entry, or by one value', () => {
    const s = { x: hostTensor(Float32Array.of(1, 10, 3, 20), [2, 2]) };
    expect(values(normalize({ mean: [1, 10], std: [2, 5] })(s, new Rng(0)))).toEqual([0, 0, 1, 2]);
    expect(values(normalize({ mean: 1, std: 2 })(s, new Rng(0)))).toEqual([0, 4.5, 1, 9.5]);
    const t = normalize({ mean: [0.5], std: [0.25] });
    expect([t.mean, t.std]).toEqual([[0.5], [0.25]]);
  });

  it('rejects mismatched channels, zero std and a missing field', () => {
    const s = { x: hostTensor(new Float32Array(6), [2, 3]) };
    expect(() => normalize({ mean: [0, 0], std: [1, 1] })(s, new Rng(0))).toThrow(ShapeError);
    expect(() => normalize({ mean: [0], std: [0] })).toThrow(ArgumentError);
    expect(() => normalize({ mean: [0, 1], std: [1] })).toThrow(ArgumentError);
    expect(() => normalize({ mean: 0, std: 1, key: 'z' })(s, new Rng(0))).toThrow(
      /normalize: sample has no field 'z' \(it has x\)/,
    );
  });
});

describe('fitStandardize and fitMinMax (fit on train, apply anywhere)', () => {
  // Two features: column 0 = 1, 2, 3, 4; column 1 constant 7.
  const train = new ArrayDataset({ x: hostTensor(Float32Array.of(1, 7, 2, 7, 3, 7, 4, 7), [4, 2]) });

  it('standardises with the training mean and population std; a constant feature keeps std 1', async () => {
    const t = await fitStandardize(train);
    expect(t.mean).toEqual([2.5, 7]);
    expect(t.std[0]).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(t.std[1]).toBe(1);
    const out = values(t({ x: hostTensor(Float32Array.of(4, 9)) }, new Rng(0)));
    expect(out[0]).toBeCloseTo(1.5 / Math.sqrt(1.25), 6);
    expect(out[1]).toBe(2);
  });

  it('pools statistics over every position of an image, per channel', async () => {
    const images = new ArrayDataset({
      x: hostTensor(Float32Array.of(0, 10, 2, 10, 4, 30, 6, 30), [2, 2, 1, 2]),
    });
    const t = await fitStandardize(images);
    expect(t.mean).toEqual([3, 20]);
    expect(t.std).toEqual([Math.sqrt(5), 10]);
  });

  it('is exact for large offsets (the one-pass variance does not cancel)', async () => {
    const big = new ArrayDataset({ x: hostTensor(Float32Array.of(1e6 + 1, 1e6 + 3), [2, 1]) });
    const t = await fitStandardize(big);
    expect(t.mean).toEqual([1e6 + 2]);
    expect(t.std).toEqual([1]);
  });

  it('maps the training min and max onto the range', async () => {
    const t = await fitMinMax(train, { range: [-1, 1] });
    expect(values(t({ x: hostTensor(Float32Array.of(1, 7)) }, new Rng(0)))).toEqual([-1, -1]);
    expect(values(t({ x: hostTensor(Float32Array.of(4, 7)) }, new Rng(0)))).toEqual([1, -1]);
    expect(values(t({ x: hostTensor(Float32Array.of(2.5, 7)) }, new Rng(0)))).toEqual([0, -1]);
    await expect(fitMinMax(train, { range: [1, 0] })).rejects.toThrow(ArgumentError);
    await expect(
      fitStandardize(new ArrayDataset({ x: hostTensor(new Float32Array(0), [0, 2]) })),
    ).rejects.toThrow(/empty data set/);
  });
});

describe('oneHot', () => {
  it('turns an int32 class into a float32 vector', () => {
    const out = oneHot({ classes: 4 })({ x: hostTensor(Float32Array.of(1)), y: label(2) }, new Rng(0));
    expect(out.y.shape).toEqual([4]);
    expect(out.y.data).toBeInstanceOf(Float32Array);
    expect(values(out, 'y')).toEqual([0, 0, 1, 0]);
    expect(values(oneHot({ classes: 2, on: 0.9, off: 0.1 })({ y: label(0) }, new Rng(0)), 'y')).toEqual([
      Math.fround(0.9),
      Math.fround(0.1),
    ]);
  });

  it('rejects float labels, several labels and out-of-range classes', () => {
    const t = oneHot({ classes: 3 });
    expect(() => t({ y: hostTensor(Float32Array.of(1), []) }, new Rng(0))).toThrow(DTypeError);
    expect(() => t({ y: hostTensor(Int32Array.of(1, 2)) }, new Rng(0))).toThrow(ShapeError);
    expect(() => t({ y: label(3) }, new Rng(0))).toThrow(ArgumentError);
    expect(() => oneHot({ classes: 0 })).toThrow(ArgumentError);
  });
});

describe('randomCrop', () => {
  it('takes a window of the zero-padded image at a seeded offset', () => {
    const src = image(4, 5, 2);
    const crop = randomCrop({ size: [4, 5], padding: 2 });
    const offsets = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const out = crop(src, new Rng(seed));
      expect(out.x.shape).toEqual([4, 5, 2]);
      // Recover the offset from the first in-image pixel, then check every pixel against it.
      const [u, v] = new Rng(seed).uniformValues(2);
      const top = Math.floor(u * 5) - 2;
      const left = Math.floor(v * 5) - 2;
      offsets.add(`${top},${left}`);
      for (let y = 0; y < 4; y++) {
        for (let x = 0; x < 5; x++) {
          for (let ch = 0; ch < 2; ch++) {
            const [sy, sx] = [top + y, left + x];
            const inside = sy >= 0 && sy < 4 && sx >= 0 && sx < 5;
            expect(at(out, y, x, ch)).toBe(inside ? at(src, sy, sx, ch) : 0);
          }
        }
      }
      expect(out.y).toBe(src.y);
    }
    expect(offsets.size).toBeGreaterThan(10);
  });

  it('crops smaller windows without padding, same seed same crop', () => {
    const src = image(6, 6, 1);
    const out = randomCrop({ size: 3 })(src, new Rng(3));
    expect(out.x.shape).toEqual([3, 3, 1]);
    expect(values(randomCrop({ size: 3 })(src, new Rng(3)))).toEqual(values(out));
    const [top, left] = [out.x.data[0] / 100, (out.x.data[0] % 100) / 10].map(Math.floor);
    expect(values(out)).toEqual(
      [0, 1, 2].flatMap((y) => [0, 1, 2].map((x) => 100 * (top + y) + 10 * (left + x))),
    );
  });

  it('rejects non-images and crops larger than the padded image', () => {
    expect(() => randomCrop()({ x: hostTensor(new Float32Array(4)) }, new Rng(0))).toThrow(ShapeError);
    expect(() => randomCrop({ size: 5, padding: 0 })(image(4, 4, 1), new Rng(0))).toThrow(
      'randomCrop: crop [5, 5] is larger than the padded image [4, 4] (padding 0)',
    );
    expect(() => randomCrop({ padding: -1 })).toThrow(ArgumentError);
  });
});

describe('randomHorizontalFlip', () => {
  it('mirrors the width axis with probability p', () => {
    const src = image(2, 3, 2);
    const flipped = randomHorizontalFlip({ p: 1 })(src, new Rng(0));
    for (let y = 0; y < 2; y++)
      for (let x = 0; x < 3; x++)
        for (let ch = 0; ch < 2; ch++) expect(at(flipped, y, x, ch)).toBe(at(src, y, 2 - x, ch));
    expect(randomHorizontalFlip({ p: 0 })(src, new Rng(0))).toBe(src);
    let flips = 0;
    const half = randomHorizontalFlip();
    const rng = new Rng(1);
    for (let i = 0; i < 400; i++) if (half(src, rng) !== src) flips++;
    expect(flips).toBeGreaterThan(160);
    expect(flips).toBeLessThan(240);
    expect(() => randomHorizontalFlip({ p: 2 })).toThrow(ArgumentError);
  });
});

describe('gaussianNoise', () => {
  it('adds seeded N(mean, std) noise, optionally clipped or into another field', () => {
    const s = { x: hostTensor(new Float32Array(20000)) };
    const noisy = values(gaussianNoise({ std: 0.5, mean: 1 })(s, new Rng(4)));
    const m = noisy.reduce((a, b) => a + b) / noisy.length;
    const sd = Math.sqrt(noisy.reduce((a, b) => a + (b - m) ** 2, 0) / noisy.length);
    expect(m).toBeCloseTo(1, 1);
    expect(sd).toBeCloseTo(0.5, 1);
    expect(values(gaussianNoise({ std: 0.5, mean: 1 })(s, new Rng(4)))).toEqual(noisy);
    const z = new Rng(4).normalValues(3);
    const small = gaussianNoise({ std: 2 })({ x: hostTensor(Float32Array.of(1, 2, 3)) }, new Rng(4));
    expect(values(small)).toEqual([1, 2, 3].map((v, i) => Math.fround(v + 2 * z[i])));
    const clipped = values(gaussianNoise({ std: 3, clip: [0, 1] })(s, new Rng(5)));
    expect(Math.min(...clipped)).toBe(0);
    expect(Math.max(...clipped)).toBe(1);
    const denoise = gaussianNoise({ std: 1, as: 'noisy' })({ x: hostTensor(Float32Array.of(5)) }, new Rng(0));
    expect(values(denoise)).toEqual([5]);
    expect(denoise.noisy.data[0]).not.toBe(5);
    expect(() => gaussianNoise({ std: -1 })).toThrow(ArgumentError);
  });
});

describe('compose', () => {
  it('applies transforms left to right with one stream', () => {
    const t = compose(normalize({ mean: 1, std: 2 }), gaussianNoise({ std: 0 }), oneHot({ classes: 2 }));
    const out = t({ x: hostTensor(Float32Array.of(3)), y: label(1) }, new Rng(0));
    expect(values(out)).toEqual([1]);
    expect(values(out, 'y')).toEqual([0, 1]);
  });
});
