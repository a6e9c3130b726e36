/** Canvas drawing: the loss curve, the decision boundary with the points, and one unit's activation map. */
import type { Points } from './data.js';

export function drawLoss(
  canvas: HTMLCanvasElement,
  losses: readonly number[],
  switches: readonly { step: number; name: string }[],
) {
  const g = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  g.clearRect(0, 0, w, h);
  if (losses.length === 0) return;
  const max = Math.max(...losses);
  const px = (i: number) => 30 + ((w - 40) * i) / Math.max(1, losses.length - 1);
  const py = (v: number) => h - 20 - ((h - 30) * v) / (max || 1);
  g.strokeStyle = '#bbb';
  g.strokeRect(30, 10, w - 40, h - 30);
  g.fillStyle = '#555';
  g.fillText(max.toFixed(3), 0, 14);
  g.fillText('0', 18, h - 20);
  for (const s of switches) {
    g.strokeStyle = '#e0a000';
    g.beginPath();
    g.moveTo(px(s.step), 10);
    g.lineTo(px(s.step), h - 20);
    g.stroke();
    g.fillText(s.name, px(s.step) + 2, 22);
  }
  g.strokeStyle = '#1565c0';
  g.lineWidth = 2;
  g.beginPath();
  losses.forEach((v, i) => {
    if (i === 0) g.moveTo(px(i), py(v));
    else g.lineTo(px(i), py(v));
  });
  g.stroke();
  g.lineWidth = 1;
}

/** A [grid × grid] field of values in [0, 1] as an image, stretched over the canvas. */
export function drawField(
  canvas: HTMLCanvasElement,
  field: Float32Array,
  grid: number,
  colour: (v: number) => [number, number, number],
) {
  const small = document.createElement('canvas');
  small.width = grid;
  small.height = grid;
  const sg = small.getContext('2d')!;
  const image = sg.createImageData(grid, grid);
  for (let row = 0; row < grid; row++) {
    for (let col = 0; col < grid; col++) {
      // Row 0 of the field is the bottom of the plane.
      const [r, gr, b] = colour(field[(grid - 1 - row) * grid + col]);
      const o = (row * grid + col) * 4;
      image.data.set([r, gr, b, 255], o);
    }
  }
  sg.putImageData(image, 0, 0);
  const g = canvas.getContext('2d')!;
  g.imageSmoothingEnabled = true;
  g.drawImage(small, 0, 0, canvas.width, canvas.height);
}

export const classColour = (p: number): [number, number, number] => [
  Math.round(255 - 120 * p),
  Math.round(200 - 40 * Math.abs(p - 0.5)),
  Math.round(135 + 120 * p),
];
export const activationColour = (v: number): [number, number, number] => {
  const t = Math.round(255 * v);
  return [t, t, Math.round(255 - 0.5 * t)];
};

export function drawPoints(canvas: HTMLCanvasElement, points: Points) {
  const g = canvas.getContext('2d')!;
  const { x0, x1, y0, y1 } = points.bounds;
  for (let i = 0; i < points.n; i++) {
    const cx = ((points.x[2 * i] - x0) / (x1 - x0)) * canvas.width;
    const cy = canvas.height - ((points.x[2 * i + 1] - y0) / (y1 - y0)) * canvas.height;
    g.fillStyle = points.y[i] === 1 ? '#0d47a1' : '#b71c1c';
    g.beginPath();
    g.arc(cx, cy, 3, 0, 2 * Math.PI);
    g.fill();
    g.strokeStyle = '#fff';
    g.stroke();
  }
}
