/**
 * Figures made of small images — filters, activation maps, reconstructions, generated samples: rows of
 * tiles, each a PNG (pngjs) scaled up with square pixels and embedded in the SVG, with a caption.
 */
import { PNG } from 'pngjs';
import { diverging, esc, rgbBytes, svgDocument, text, viridis } from './svg.js';

export type ColorMode = 'grey' | 'viridis' | 'diverging' | 'rgb';

export interface Tile {
  /** `[h, w, c]` values, row-major. */
  readonly data: ArrayLike<number>;
  readonly height: number;
  readonly width: number;
  /** 1, or 3 for `rgb`. */
  readonly channels: number;
  readonly mode: ColorMode;
  /** Values mapped to the ends of the colour map; default: the tile's own range (symmetric for `diverging`). */
  readonly range?: readonly [number, number];
  readonly caption?: string;
}

export interface TileRow {
  readonly label: string;
  readonly tiles: readonly Tile[];
}

export interface ImageGridOptions {
  readonly title: string;
  readonly subtitle?: string;
  readonly rows: readonly TileRow[];
  /** Displayed size of a tile's longer side in pixels (default 64). */
  readonly tileSize?: number;
  /** Width of the row labels (default 150; 0 for none). */
  readonly labelWidth?: number;
}

function rangeOf(t: Tile): [number, number] {
  if (t.range) return [t.range[0], t.range[1]];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i];
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (t.mode === 'diverging') {
    const a = Math.max(Math.abs(lo), Math.abs(hi), 1e-12);
    return [-a, a];
  }
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/** The tile as a PNG, each value a `scale` × `scale` block. */
export function tilePng(t: Tile, scale: number): Buffer {
  const [lo, hi] = rangeOf(t);
  const png = new PNG({ width: t.width * scale, height: t.height * scale });
  const norm = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 0);
  for (let y = 0; y < t.height; y++) {
    for (let x = 0; x < t.width; x++) {
      const at = (y * t.width + x) * t.channels;
      let rgb: [number, number, number];
      if (t.mode === 'rgb') {
        rgb = [0, 1, 2].map((k) => Math.round(norm(t.data[at + Math.min(k, t.channels - 1)]) * 255)) as [
          number,
          number,
          number,
        ];
      } else {
        const v = norm(t.data[at]);
        if (t.mode === 'grey') {
          const g = Math.round(v * 255);
          rgb = [g, g, g];
        } else rgb = rgbBytes((t.mode === 'viridis' ? viridis : diverging)(v));
      }
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const p = ((y * scale + dy) * png.width + x * scale + dx) * 4;
          png.data[p] = rgb[0];
          png.data[p + 1] = rgb[1];
          png.data[p + 2] = rgb[2];
          png.data[p + 3] = 255;
        }
      }
    }
  }
  return PNG.sync.write(png);
}

export function imageGrid(o: ImageGridOptions): string {
  const size = o.tileSize ?? 64;
  const labelWidth = o.labelWidth ?? 150;
  const gap = 6;
  const captionHeight = o.rows.some((row) => row.tiles.some((t) => t.caption)) ? 14 : 0;
  const top = o.subtitle ? 54 : 38;
  const maxTiles = Math.max(1, ...o.rows.map((row) => row.tiles.length));
  const width = labelWidth + maxTiles * (size + gap) + 14;
  const rowHeight = size + gap + captionHeight;
  const height = top + o.rows.length * rowHeight + 8;
  const parts: string[] = [text(10, 22, o.title, { 'font-size': 15, 'font-weight': 'bold' })];
  if (o.subtitle) parts.push(text(10, 40, o.subtitle, { 'font-size': 11, fill: '#555' }));
  o.rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    if (labelWidth > 0) {
      parts.push(text(10, y + size / 2 + 4, row.label, { 'font-size': 11 }));
    }
    row.tiles.forEach((t, j) => {
      const longer = Math.max(t.height, t.width);
      // An integer upscale keeps pixels square and sharp; the SVG shows the tile at `size`.
      const scale = Math.max(1, Math.ceil(size / longer));
      const w = Math.round((size * t.width) / longer);
      const h = Math.round((size * t.height) / longer);
      const x = labelWidth + j * (size + gap);
      const href = `data:image/png;base64,${tilePng(t, scale).toString('base64')}`;
      parts.push(
        `<image x="${x}" y="${y}" width="${w}" height="${h}" preserveAspectRatio="none" image-rendering="optimizeSpeed" style="image-rendering:pixelated" href="${href}"/>`,
      );
      parts.push(
        `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="#bbbbbb" stroke-width="0.5"/>`,
      );
      if (t.caption) {
        parts.push(
          `<text x="${x + w / 2}" y="${y + size + 11}" font-size="10" fill="#444" text-anchor="middle">${esc(t.caption)}</text>`,
        );
      }
    });
  });
  return svgDocument(width, height, parts.join('\n'));
}
