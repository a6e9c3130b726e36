/** Writes a figure as `name.svg` and `name.png` (the SVG rendered by resvg, with the system's fonts). */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { FONT } from './svg.js';

export interface FigureFiles {
  readonly svg: string;
  readonly png: string;
}

/** Renders `svg` to PNG bytes at `scale` times its size. */
export function svgToPng(svg: string, scale = 1): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: FONT.split(',')[0] },
    imageRendering: 1, // optimizeSpeed: embedded tiles stay pixel-sharp
  });
  return resvg.render().asPng();
}

export async function writeFigure(dir: string, name: string, svg: string): Promise<FigureFiles> {
  const files = { svg: `${name}.svg`, png: `${name}.png` };
  await writeFile(join(dir, files.svg), svg);
  await writeFile(join(dir, files.png), svgToPng(svg));
  return files;
}
