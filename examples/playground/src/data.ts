/** The 2-D classification sets the page trains on, from @dendrite/data's synthetic generators. */
import { circles, moons, twoSpirals, xor } from '@dendrite/data';

export const DATASETS = {
  spirals: () => twoSpirals({ size: 200, noise: 0.05, seed: 1 }),
  moons: () => moons({ size: 200, noise: 0.1, seed: 1 }),
  xor: () => xor({ size: 200, noise: 0.1, seed: 1 }),
  circles: () => circles({ size: 200, noise: 0.05, seed: 1 }),
} as const;

export type DatasetName = keyof typeof DATASETS;

export interface Points {
  readonly x: Float32Array; // [n, 2]
  readonly y: Int32Array; // [n]
  readonly n: number;
  /** Bounds of the plane drawn: the data's, with a margin. */
  readonly bounds: { readonly x0: number; readonly x1: number; readonly y0: number; readonly y1: number };
}

export function loadPoints(name: DatasetName): Points {
  const set = DATASETS[name]();
  const x = set.columns.x.data as Float32Array;
  const y = set.columns.y.data as Int32Array;
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < y.length; i++) {
    x0 = Math.min(x0, x[2 * i]);
    x1 = Math.max(x1, x[2 * i]);
    y0 = Math.min(y0, x[2 * i + 1]);
    y1 = Math.max(y1, x[2 * i + 1]);
  }
  const mx = (x1 - x0) * 0.1;
  const my = (y1 - y0) * 0.1;
  return { x, y, n: y.length, bounds: { x0: x0 - mx, x1: x1 + mx, y0: y0 - my, y1: y1 + my } };
}
