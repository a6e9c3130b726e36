/**
 * The data sets, held on the host (plain typed arrays) so that they can be uploaded to whichever backend
 * is current: four 2-D classification sets from @dendrite/data's generators, and the bundled 8×8 digits
 * (the gzip file of @dendrite/data, served by Vite, parsed with the package's own parser).
 */
import { circles, gunzip, isGzip, moons, parseDigits, twoSpirals, xor } from '@dendrite/data';
import digitsUrl from '@dendrite/data/datasets/digits.csv.gz?url';

export const DATASETS = {
  spirals: 'Two spirals',
  moons: 'Moons',
  xor: 'XOR',
  circles: 'Circles',
  digits: 'Digits (8×8)',
} as const;
export type DatasetName = keyof typeof DATASETS;

export interface HostSet {
  readonly name: DatasetName;
  /** `[n, features]` (features 2 for the point sets, 64 for the digits). */
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly n: number;
  readonly features: number;
  readonly classes: number;
  /** Samples held out of training (the digits' sample view); empty for the point sets. */
  readonly test: { readonly x: Float32Array; readonly y: Int32Array; readonly n: number };
  /** Plot window of a 2-D set: [xmin, xmax, ymin, ymax]. */
  readonly extent?: readonly [number, number, number, number];
}

export const isImageSet = (name: DatasetName) => name === 'digits';

const SEED = 7;

export async function loadDataset(name: DatasetName): Promise<HostSet> {
  if (name === 'digits') return loadDigits();
  const set =
    name === 'spirals'
      ? twoSpirals({ size: 300, noise: 0.03, seed: SEED, turns: 1.5 })
      : name === 'moons'
        ? moons({ size: 300, noise: 0.1, seed: SEED })
        : name === 'xor'
          ? xor({ size: 300, noise: 0.15, seed: SEED })
          : circles({ size: 300, noise: 0.05, seed: SEED });
  const x = Float32Array.from(set.columns.x.data);
  const y = Int32Array.from(set.columns.y.data);
  return {
    name,
    x,
    y,
    n: y.length,
    features: 2,
    classes: 2,
    test: { x: new Float32Array(0), y: new Int32Array(0), n: 0 },
    extent: extentOf(x),
  };
}

/** The points' bounding box, squared up and with a margin. */
function extentOf(x: Float32Array): [number, number, number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const pad = 0.1 * (hi - lo);
  return [lo - pad, hi + pad, lo - pad, hi + pad];
}

let digitsCache: Promise<HostSet> | undefined;

function loadDigits(): Promise<HostSet> {
  digitsCache ??= (async () => {
    const response = await fetch(digitsUrl);
    if (!response.ok) throw new Error(`fetching ${digitsUrl} failed: ${response.status}`);
    // A server may send the .gz with `Content-Encoding: gzip` (vite preview does): the browser has then
    // unpacked it already.
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder().decode(isGzip(bytes) ? await gunzip(bytes, 'digits') : bytes);
    const all = parseDigits(text);
    const x = Float32Array.from(all.columns.x.data);
    const y = Int32Array.from(all.columns.y.data);
    // The last 297 digits are held out (the sample view shows them); the rest train.
    const nTrain = 1500;
    return {
      name: 'digits' as const,
      x: x.slice(0, nTrain * 64),
      y: y.slice(0, nTrain),
      n: nTrain,
      features: 64,
      classes: 10,
      test: { x: x.slice(nTrain * 64), y: y.slice(nTrain), n: y.length - nTrain },
    };
  })();
  return digitsCache;
}
