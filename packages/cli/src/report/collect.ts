/**
 * What the figures show, read from a trained model: the first layer's filters, the activation maps of
 * images through every convolution (forward hooks), an autoencoder's reconstructions and codes. Every
 * function leaves no tensor behind.
 */
import * as d from '@dendrite/core';
import type { Module } from '@dendrite/layers';
import type { Tile, TileRow } from './image-grid.js';

/** Kinds whose output is a stack of feature maps `[N, H, W, C]`. */
const CONV_KINDS = new Set(['Conv2D', 'DepthwiseConv2D', 'Conv2DTranspose']);

export interface HostImage {
  /** `[H, W, C]` values in [0, 1]. */
  readonly data: Float32Array;
  readonly shape: readonly [number, number, number];
}

export function imageTile(image: HostImage, caption?: string): Tile {
  const [h, w, c] = image.shape;
  return {
    data: image.data,
    height: h,
    width: w,
    channels: c,
    mode: c >= 3 ? 'rgb' : 'grey',
    range: [0, 1],
    caption,
  };
}

/** The convolution layers of `model` with their dotted paths, in the order they were built. */
export function convLayers(model: Module): [string, Module][] {
  return model.namedModules().filter(([, m]) => CONV_KINDS.has(m.kind));
}

export interface FirstLayerFilters {
  readonly layer: string;
  readonly kind: string;
  readonly tiles: Tile[];
  readonly shown: number;
  readonly total: number;
}

/**
 * The first learned layer's weights as pictures: a convolution's kernels (one tile per output channel,
 * RGB when it reads three channels, else its first input channel), or a dense layer's weight vectors
 * reshaped to the input image (what each hidden unit looks for). Undefined when there is none to draw.
 */
export async function firstLayerFilters(
  model: Module,
  inputShape: readonly number[],
  max = 32,
): Promise<FirstLayerFilters | undefined> {
  for (const [path, m] of model.namedModules()) {
    const kernel = m.namedParameters().find(([name]) => name === 'kernel')?.[1];
    if (!kernel || m.children().length > 0) continue;
    const shape = kernel.value.shape;
    const values = (await kernel.value.data()) as Float32Array;
    if (CONV_KINDS.has(m.kind) && shape.length === 4) {
      const [kh, kw, cin, cout] = shape;
      const n = Math.min(cout, max);
      const channels = cin === 3 ? 3 : 1;
      const tiles: Tile[] = [];
      for (let o = 0; o < n; o++) {
        const data = new Float32Array(kh * kw * channels);
        for (let i = 0; i < kh * kw; i++) {
          for (let c = 0; c < channels; c++) data[i * channels + c] = values[(i * cin + c) * cout + o];
        }
        tiles.push({
          data,
          height: kh,
          width: kw,
          channels,
          mode: channels === 3 ? 'rgb' : 'diverging',
          caption: String(o),
        });
      }
      return { layer: path || m.name, kind: m.kind, tiles, shown: n, total: cout };
    }
    if (m.kind === 'Dense' && shape.length === 2 && inputShape.length === 3) {
      const [h, w, c] = inputShape;
      const [fin, fout] = shape;
      if (fin !== h * w * c) return undefined;
      const n = Math.min(fout, max);
      const tiles: Tile[] = [];
      for (let o = 0; o < n; o++) {
        const data = new Float32Array(h * w);
        // Grey images only, or the first channel of colour ones: one weight per pixel.
        for (let p = 0; p < h * w; p++) data[p] = values[p * c * fout + o];
        tiles.push({ data, height: h, width: w, channels: 1, mode: 'diverging', caption: String(o) });
      }
      return { layer: path || m.name, kind: m.kind, tiles, shown: n, total: fout };
    }
    return undefined;
  }
  return undefined;
}

export interface ActivationRows {
  readonly rows: TileRow[];
  readonly layers: number;
}

/**
 * The feature maps of `image` after every convolution: one row per layer (its first `maxChannels`
 * channels, each scaled to its own range), the image itself first. Hooks keep an alias of each output
 * past the pass; the model runs in evaluation mode without a graph.
 */
export async function activationMaps(
  model: Module,
  image: HostImage,
  inputShape: readonly number[],
  maxChannels = 12,
): Promise<ActivationRows> {
  const layers = convLayers(model);
  const captured: { path: string; kind: string; output: d.Tensor }[] = [];
  const handles = layers.map(([path, m]) =>
    m.registerForwardHook((_m, _x, y) => {
      if (y.shape.length === 4) captured.push({ path, kind: m.kind, output: d.keep(d.alias(y)) });
    }),
  );
  const wasTraining = model.training;
  model.eval();
  try {
    d.tidy(() =>
      d.noGrad(() => {
        const x = d.tensor(image.data, [1, ...inputShape]);
        model.forward(x);
      }),
    );
  } finally {
    for (const h of handles) h.remove();
    model.train(wasTraining);
  }
  const rows: TileRow[] = [{ label: 'input', tiles: [imageTile(image)] }];
  try {
    for (const { path, kind, output } of captured) {
      const [, h, w, c] = output.shape;
      const values = (await output.data()) as Float32Array;
      const tiles: Tile[] = [];
      for (let k = 0; k < Math.min(c, maxChannels); k++) {
        const data = new Float32Array(h * w);
        for (let p = 0; p < h * w; p++) data[p] = values[p * c + k];
        tiles.push({ data, height: h, width: w, channels: 1, mode: 'viridis' });
      }
      rows.push({ label: `${path} (${kind === 'Conv2D' ? '' : `${kind}, `}${h}×${w}×${c})`, tiles });
    }
  } finally {
    d.dispose(captured.map((c) => c.output));
  }
  return { rows, layers: captured.length };
}

/** Runs `fn` on a batch of images in evaluation mode without a graph; returns the output's values. */
export async function runBatch(
  model: Module,
  images: readonly HostImage[],
  inputShape: readonly number[],
  fn: (x: d.Tensor) => d.Tensor,
): Promise<{ values: Float32Array; shape: number[] }> {
  const size = inputShape.reduce((a, b) => a * b, 1);
  const batch = new Float32Array(images.length * size);
  for (const [i, im] of images.entries()) batch.set(im.data, i * size);
  const wasTraining = model.training;
  model.eval();
  try {
    const out = d.tidy(() => d.noGrad(() => fn(d.tensor(batch, [images.length, ...inputShape]))));
    try {
      return { values: (await out.data()) as Float32Array, shape: [...out.shape] };
    } finally {
      out.dispose();
    }
  } finally {
    model.train(wasTraining);
  }
}

/**
 * The two principal components of `rows` (n × k, row-major): centred, covariance, then the two leading
 * eigenvectors by power iteration with deflation. Returns each row's coordinates and the variance share.
 */
export function project2d(
  rows: Float32Array,
  n: number,
  k: number,
): { points: [number, number][]; explained: number } {
  const mean = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) mean[j] += rows[i * k + j] / n;
  const cov = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < k; a++) {
      const da = rows[i * k + a] - mean[a];
      for (let b = a; b < k; b++) cov[a * k + b] += (da * (rows[i * k + b] - mean[b])) / Math.max(n - 1, 1);
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) cov[a * k + b] = cov[b * k + a];
  let trace = 0;
  for (let a = 0; a < k; a++) trace += cov[a * k + a];
  const components: Float64Array[] = [];
  const values: number[] = [];
  for (let c = 0; c < Math.min(2, k); c++) {
    let v: Float64Array = new Float64Array(k).map((_, i) => 1 + i * 0.01);
    let lambda = 0;
    for (let it = 0; it < 300; it++) {
      const next = new Float64Array(k);
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) next[a] += cov[a * k + b] * v[b];
      const norm = Math.hypot(...next) || 1;
      lambda = norm;
      v = next.map((x) => x / norm);
    }
    components.push(v);
    values.push(lambda);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) cov[a * k + b] -= lambda * v[a] * v[b];
  }
  const points: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const p = [0, 0];
    components.forEach((v, c) => {
      for (let j = 0; j < k; j++) p[c] += (rows[i * k + j] - mean[j]) * v[j];
    });
    points.push([p[0], p[1]]);
  }
  return { points, explained: trace > 0 ? (values[0] + (values[1] ?? 0)) / trace : 0 };
}
