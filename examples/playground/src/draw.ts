/** Canvas drawings: the loss curve, a 2-D decision boundary, digits with their predictions, activation maps. */
import type { BackendName } from './backends.js';
import type { HostSet } from './datasets.js';
import type { Activations, LossPoint } from './session.js';

export const BACKEND_COLORS: Record<BackendName, string> = {
  webgpu: '#7b3fe4',
  wasm: '#e07b00',
  cpu: '#1f77b4',
};
const CLASS_RGB: [number, number, number][] = [
  [31, 119, 180],
  [214, 39, 40],
];

function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2-D canvas context');
  return ctx;
}

/** Loss against step, each segment in the colour of the backend that computed it. */
export function drawLoss(canvas: HTMLCanvasElement, losses: readonly LossPoint[]): void {
  const ctx = context(canvas);
  const { width: w, height: h } = canvas;
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  const left = 44;
  const bottom = h - 22;
  ctx.strokeStyle = '#999';
  ctx.beginPath();
  ctx.moveTo(left, 8);
  ctx.lineTo(left, bottom);
  ctx.lineTo(w - 8, bottom);
  ctx.stroke();
  ctx.fillStyle = '#444';
  ctx.font = '11px sans-serif';
  if (losses.length === 0) {
    ctx.fillText('loss (press Train)', left + 10, h / 2);
    return;
  }
  const top = Math.max(...losses.map((p) => p.loss), 1e-6);
  const last = losses[losses.length - 1].step;
  const sx = (step: number) => left + ((w - 8 - left) * step) / Math.max(last, 1);
  const sy = (loss: number) => bottom - ((bottom - 8) * Math.min(loss, top)) / top;
  ctx.fillText(top.toFixed(2), 4, 14);
  ctx.fillText('0', 30, bottom);
  ctx.fillText(`step ${last}`, w - 60, h - 6);
  ctx.fillText(`loss ${losses[losses.length - 1].loss.toFixed(4)}`, left + 6, h - 6);
  // Legend: the backends in the order they took over, each switch marked on the curve.
  const used: BackendName[] = [];
  for (const p of losses) if (used[used.length - 1] !== p.backend) used.push(p.backend);
  [...new Set(used)].forEach((b, k) => {
    ctx.fillStyle = BACKEND_COLORS[b];
    ctx.fillRect(w - 70, 10 + 14 * k, 10, 10);
    ctx.fillStyle = '#444';
    ctx.fillText(b, w - 56, 19 + 14 * k);
  });
  ctx.strokeStyle = '#ccc';
  ctx.setLineDash([3, 3]);
  for (let i = 1; i < losses.length; i++) {
    if (losses[i].backend === losses[i - 1].backend) continue;
    ctx.beginPath();
    ctx.moveTo(sx(losses[i - 1].step), 8);
    ctx.lineTo(sx(losses[i - 1].step), bottom);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.lineWidth = 1.5;
  for (let i = 1; i < losses.length; i++) {
    ctx.strokeStyle = BACKEND_COLORS[losses[i].backend];
    ctx.beginPath();
    ctx.moveTo(sx(losses[i - 1].step), sy(losses[i - 1].loss));
    ctx.lineTo(sx(losses[i].step), sy(losses[i].loss));
    ctx.stroke();
  }
  ctx.lineWidth = 1;
}

/** Grid points of a 2-D set's plot window, row by row from the top: `[res * res, 2]`. */
export function gridPoints(set: HostSet, res: number): Float32Array {
  const [x0, x1, y0, y1] = set.extent!;
  const out = new Float32Array(res * res * 2);
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      const i = r * res + c;
      out[2 * i] = x0 + ((c + 0.5) / res) * (x1 - x0);
      out[2 * i + 1] = y1 - ((r + 0.5) / res) * (y1 - y0);
    }
  }
  return out;
}

/** The probability of class 1 over the plane (blue → white → red), then the training points. */
export function drawBoundary(
  canvas: HTMLCanvasElement,
  set: HostSet,
  probs: Float32Array,
  res: number,
): void {
  const ctx = context(canvas);
  const { width: w, height: h } = canvas;
  const image = ctx.createImageData(res, res);
  for (let i = 0; i < res * res; i++) {
    const p = probs[2 * i + 1];
    const [r, g, b] = CLASS_RGB[p >= 0.5 ? 1 : 0];
    const strength = Math.min(1, Math.abs(p - 0.5) * 2) * 0.55 + 0.1;
    image.data[4 * i] = 255 - (255 - r) * strength;
    image.data[4 * i + 1] = 255 - (255 - g) * strength;
    image.data[4 * i + 2] = 255 - (255 - b) * strength;
    image.data[4 * i + 3] = 255;
  }
  const tile = document.createElement('canvas');
  tile.width = res;
  tile.height = res;
  context(tile).putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tile, 0, 0, w, h);
  const [x0, x1, y0, y1] = set.extent!;
  for (let i = 0; i < set.n; i++) {
    const px = ((set.x[2 * i] - x0) / (x1 - x0)) * w;
    const py = ((y1 - set.x[2 * i + 1]) / (y1 - y0)) * h;
    const [r, g, b] = CLASS_RGB[set.y[i]];
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.strokeStyle = '#fff';
    ctx.beginPath();
    ctx.arc(px, py, 3, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
}

export const DIGIT_COLUMNS = 6;

/** Which digit of the grid `drawDigits` drew at canvas point (x, y), or -1. */
export function digitAt(canvas: HTMLCanvasElement, x: number, y: number, count: number): number {
  const cell = canvas.width / DIGIT_COLUMNS;
  const k = Math.floor(y / cell) * DIGIT_COLUMNS + Math.floor(x / cell);
  return k >= 0 && k < count ? k : -1;
}

/** Held-out digits in a grid, each with its predicted class (green: right, red: wrong). */
export function drawDigits(
  canvas: HTMLCanvasElement,
  x: Float32Array,
  y: Int32Array,
  predicted: readonly number[],
  framed = 0,
): void {
  const ctx = context(canvas);
  const { width: w } = canvas;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, canvas.height);
  const cols = DIGIT_COLUMNS;
  const cell = w / cols;
  const px = (cell - 16) / 8;
  predicted.forEach((p, k) => {
    const ox = (k % cols) * cell + 8;
    const oy = Math.floor(k / cols) * cell + 4;
    for (let i = 0; i < 64; i++) {
      const v = Math.round(255 * (1 - x[k * 64 + i]));
      ctx.fillStyle = `rgb(${v},${v},${v})`;
      ctx.fillRect(ox + (i % 8) * px, oy + Math.floor(i / 8) * px, px + 0.5, px + 0.5);
    }
    if (k === framed) {
      // The digit whose activations are shown.
      ctx.strokeStyle = '#7b3fe4';
      ctx.lineWidth = 2;
      ctx.strokeRect(ox - 2, oy - 2, 8 * px + 4, 8 * px + 4);
      ctx.lineWidth = 1;
    }
    ctx.fillStyle = p === y[k] ? '#1a7f37' : '#cf222e';
    ctx.font = 'bold 12px sans-serif';
    ctx.fillText(String(p), ox + 8 * px + 1, oy + 10);
  });
}

/** Diverging colours for an activation normalised to [-1, 1] (blue negative, white zero, orange positive). */
function diverging(v: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, v));
  return t >= 0
    ? [255, Math.round(255 - 120 * t), Math.round(255 - 255 * t)]
    : [Math.round(255 + 225 * t), Math.round(255 + 135 * t), 255];
}

function drawMap(
  ctx: CanvasRenderingContext2D,
  values: (i: number) => number,
  rows: number,
  cols: number,
  at: [number, number, number],
): void {
  const [ox, oy, size] = at;
  let scale = 1e-12;
  for (let i = 0; i < rows * cols; i++) scale = Math.max(scale, Math.abs(values(i)));
  const image = ctx.createImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const [r, g, b] = diverging(values(i) / scale);
    image.data.set([r, g, b, 255], 4 * i);
  }
  const tile = document.createElement('canvas');
  tile.width = cols;
  tile.height = rows;
  context(tile).putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = rows > 16;
  ctx.drawImage(tile, ox, oy, size, size);
  ctx.strokeStyle = '#bbb';
  ctx.strokeRect(ox, oy, size, size);
}

/**
 * A layer's activation maps. Point sets: one map per unit over the plot window (`[res * res, units]`).
 * Digits: one sample's feature maps (`[n, h, w, c]`: one per channel) or units (`[n, units]`: a grid of
 * cells).
 */
export function drawActivations(
  canvas: HTMLCanvasElement,
  a: Activations,
  options: { grid?: number; sample?: number },
): void {
  const ctx = context(canvas);
  const { width: w, height: h } = canvas;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#444';
  ctx.font = '11px sans-serif';
  const shape = a.shape;
  const label = `${a.layer}: output [${shape.join(', ')}]`;
  ctx.fillText(label, 4, 12);
  const maps: { values: (i: number) => number; rows: number; cols: number }[] = [];
  if (options.grid !== undefined) {
    const res = options.grid;
    const units = shape[shape.length - 1];
    for (let u = 0; u < units; u++) maps.push({ values: (i) => a.data[i * units + u], rows: res, cols: res });
  } else if (shape.length === 4) {
    const [, mh, mw, c] = shape;
    const base = (options.sample ?? 0) * mh * mw * c;
    for (let ch = 0; ch < c; ch++)
      maps.push({ values: (i) => a.data[base + i * c + ch], rows: mh, cols: mw });
  } else {
    const units = shape[shape.length - 1];
    const side = Math.ceil(Math.sqrt(units));
    const base = (options.sample ?? 0) * units;
    maps.push({ values: (i) => (i < units ? a.data[base + i] : 0), rows: side, cols: side });
  }
  const n = maps.length;
  const cols = Math.ceil(Math.sqrt((n * (w - 8)) / (h - 20)));
  const size = Math.min(Math.floor((w - 8) / cols) - 4, Math.floor((h - 20) / Math.ceil(n / cols)) - 4, 160);
  maps.forEach((m, k) => {
    drawMap(ctx, m.values, m.rows, m.cols, [
      4 + (k % cols) * (size + 4),
      18 + Math.floor(k / cols) * (size + 4),
      size,
    ]);
  });
}
