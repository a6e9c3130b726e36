/**
 * The little SVG every figure shares: escaping, a document wrapper with the fonts, and colour maps
 * (d3-scale interpolating between stops). Figures are plain SVG strings, written as `.svg` and rendered
 * to `.png` by `render.ts`.
 */
import { scaleLinear } from 'd3-scale';

/** Fonts Debian ships (fonts-dejavu-core, fonts-liberation), then the generic family. */
export const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A whole SVG document of `width` × `height` on white. */
export function svgDocument(width: number, height: number, body: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    body,
    '</svg>',
  ].join('\n');
}

export function text(
  x: number,
  y: number,
  content: string,
  attrs: Record<string, string | number> = {},
): string {
  const a = Object.entries({ 'font-size': 12, fill: '#222', ...attrs })
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ');
  return `<text x="${r(x)}" y="${r(y)}" ${a}>${esc(content)}</text>`;
}

/** Two decimals are plenty for coordinates and keep the files small. */
export function r(v: number): number {
  return Math.round(v * 100) / 100;
}

/** A colour map over [0, 1] from evenly spaced stops. */
function colorMap(stops: readonly string[]): (t: number) => string {
  const scale = scaleLinear<string>()
    .domain(stops.map((_, i) => i / (stops.length - 1)))
    .range([...stops])
    .clamp(true);
  return (t) => scale(t);
}

/** Viridis (perceptually uniform, dark to bright) by eight of its stops. */
export const viridis = colorMap([
  '#440154',
  '#46327e',
  '#365c8d',
  '#277f8e',
  '#1fa187',
  '#4ac16d',
  '#a0da39',
  '#fde725',
]);

/** White to dark blue: counts. */
export const blues = colorMap(['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b']);

/** Blue, white, red over [0, 1] with white at 0.5: signed weights. */
export const diverging = colorMap(['#2166ac', '#67a9cf', '#f7f7f7', '#ef8a62', '#b2182b']);

/** `#rrggbb` or `rgb(r, g, b)` to bytes. */
export function rgbBytes(color: string): [number, number, number] {
  if (color.startsWith('#')) {
    const n = Number.parseInt(color.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(color);
  if (!m) throw new Error(`not a colour: ${color}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Ten distinguishable colours (Tableau 10) for classes and series. */
export const CATEGORY = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
