/**
 * A line chart of a few series against the epoch (loss and accuracy curves): d3-scale for the axes and
 * their ticks, d3-shape for the paths. Training is drawn solid, validation dashed.
 */
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { CATEGORY, r, svgDocument, text } from './svg.js';

export interface Series {
  readonly name: string;
  /** `[x, y]` points; non-finite values are left out. */
  readonly points: readonly (readonly [number, number])[];
  readonly dashed?: boolean;
  readonly color?: string;
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Fixed y range (accuracy: [0, 1] is misleading when every value is above 0.9, so default: the data). */
  readonly yDomain?: readonly [number, number];
  readonly width?: number;
  readonly height?: number;
}

export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 560;
  const height = o.height ?? 340;
  const m = { top: 40, right: 130, bottom: 48, left: 64 };
  const series = o.series.map((s) => ({
    ...s,
    points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)),
  }));
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const xMin = Math.min(...xs, 1);
  const xMax = Math.max(...xs, xMin + 1);
  let [yMin, yMax] = o.yDomain ?? [Math.min(...ys), Math.max(...ys)];
  if (!Number.isFinite(yMin) || !Number.isFinite(yMax)) [yMin, yMax] = [0, 1];
  if (yMin === yMax) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
  const x = scaleLinear()
    .domain([xMin, xMax])
    .range([m.left, width - m.right]);
  const y = scaleLinear()
    .domain([yMin, yMax])
    .nice()
    .range([height - m.bottom, m.top]);
  const parts: string[] = [];
  parts.push(
    text(width / 2 - m.right / 2 + m.left / 2, 24, o.title, {
      'font-size': 15,
      'text-anchor': 'middle',
      'font-weight': 'bold',
    }),
  );
  // Grid and ticks.
  for (const t of y.ticks(6)) {
    parts.push(
      `<line x1="${m.left}" x2="${width - m.right}" y1="${r(y(t))}" y2="${r(y(t))}" stroke="#e5e5e5"/>`,
    );
    parts.push(text(m.left - 6, y(t) + 4, y.tickFormat(6)(t), { 'text-anchor': 'end', 'font-size': 11 }));
  }
  const xTicks = x.ticks(Math.min(10, xMax - xMin)).filter((t) => Number.isInteger(t));
  for (const t of xTicks) {
    parts.push(
      `<line x1="${r(x(t))}" x2="${r(x(t))}" y1="${height - m.bottom}" y2="${height - m.bottom + 4}" stroke="#444"/>`,
    );
    parts.push(text(x(t), height - m.bottom + 17, String(t), { 'text-anchor': 'middle', 'font-size': 11 }));
  }
  parts.push(
    `<rect x="${m.left}" y="${m.top}" width="${width - m.left - m.right}" height="${height - m.top - m.bottom}" fill="none" stroke="#444"/>`,
  );
  parts.push(text((m.left + width - m.right) / 2, height - 10, o.xLabel, { 'text-anchor': 'middle' }));
  parts.push(
    text(16, (m.top + height - m.bottom) / 2, o.yLabel, {
      'text-anchor': 'middle',
      transform: `rotate(-90 16 ${r((m.top + height - m.bottom) / 2)})`,
    }),
  );
  const path = line<readonly [number, number]>()
    .x((p) => r(x(p[0])))
    .y((p) => r(y(p[1])));
  series.forEach((s, i) => {
    const color = s.color ?? CATEGORY[i % CATEGORY.length];
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    if (s.points.length > 0) {
      parts.push(`<path d="${path(s.points)}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
      for (const p of s.points.length <= 40 ? s.points : []) {
        parts.push(`<circle cx="${r(x(p[0]))}" cy="${r(y(p[1]))}" r="2.5" fill="${color}"/>`);
      }
    }
    const ly = m.top + 10 + i * 20;
    parts.push(
      `<line x1="${width - m.right + 12}" x2="${width - m.right + 36}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`,
    );
    parts.push(text(width - m.right + 42, ly + 4, s.name, { 'font-size': 12 }));
  });
  return svgDocument(width, height, parts.join('\n'));
}
