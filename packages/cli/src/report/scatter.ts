/** A scatter plot of 2-D points coloured by class (the autoencoder's codes, projected). */
import { scaleLinear } from 'd3-scale';
import { CATEGORY, r, svgDocument, text } from './svg.js';

export interface ScatterOptions {
  readonly title: string;
  readonly subtitle?: string;
  readonly points: readonly (readonly [number, number])[];
  readonly labels: ArrayLike<number>;
  readonly classNames: readonly string[];
  readonly xLabel: string;
  readonly yLabel: string;
}

export function scatterChart(o: ScatterOptions): string {
  const width = 560;
  const height = 460;
  const m = { top: 56, right: 120, bottom: 44, left: 56 };
  const xs = o.points.map((p) => p[0]);
  const ys = o.points.map((p) => p[1]);
  const x = scaleLinear()
    .domain([Math.min(...xs), Math.max(...xs)])
    .nice()
    .range([m.left, width - m.right]);
  const y = scaleLinear()
    .domain([Math.min(...ys), Math.max(...ys)])
    .nice()
    .range([height - m.bottom, m.top]);
  const parts: string[] = [text(10, 22, o.title, { 'font-size': 15, 'font-weight': 'bold' })];
  if (o.subtitle) parts.push(text(10, 40, o.subtitle, { 'font-size': 11, fill: '#555' }));
  parts.push(
    `<rect x="${m.left}" y="${m.top}" width="${width - m.left - m.right}" height="${height - m.top - m.bottom}" fill="none" stroke="#444"/>`,
  );
  for (const t of x.ticks(6))
    parts.push(
      text(x(t), height - m.bottom + 16, x.tickFormat(6)(t), { 'text-anchor': 'middle', 'font-size': 10 }),
    );
  for (const t of y.ticks(6))
    parts.push(text(m.left - 5, y(t) + 4, y.tickFormat(6)(t), { 'text-anchor': 'end', 'font-size': 10 }));
  parts.push(text((m.left + width - m.right) / 2, height - 8, o.xLabel, { 'text-anchor': 'middle' }));
  parts.push(
    text(14, (m.top + height - m.bottom) / 2, o.yLabel, {
      'text-anchor': 'middle',
      transform: `rotate(-90 14 ${r((m.top + height - m.bottom) / 2)})`,
    }),
  );
  o.points.forEach((p, i) => {
    const color = CATEGORY[o.labels[i] % CATEGORY.length];
    parts.push(`<circle cx="${r(x(p[0]))}" cy="${r(y(p[1]))}" r="2.6" fill="${color}" fill-opacity="0.75"/>`);
  });
  o.classNames.slice(0, 20).forEach((name, i) => {
    const ly = m.top + 8 + i * 18;
    parts.push(
      `<circle cx="${width - m.right + 16}" cy="${ly}" r="4" fill="${CATEGORY[i % CATEGORY.length]}"/>`,
    );
    parts.push(text(width - m.right + 26, ly + 4, name, { 'font-size': 11 }));
  });
  return svgDocument(width, height, parts.join('\n'));
}
