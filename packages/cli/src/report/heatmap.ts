/**
 * The confusion matrix: rows are the true classes, columns the predicted ones; each cell shows its count
 * and is shaded by its share of the row (so a rare class reads as clearly as a common one).
 */
import { blues, esc, r, svgDocument, text } from './svg.js';

export function confusionMatrixChart(
  matrix: readonly (readonly number[])[],
  classNames: readonly string[],
): string {
  const n = matrix.length;
  const cell = Math.max(28, Math.min(48, Math.floor(480 / n)));
  const labelWidth = Math.min(120, 14 + 7 * Math.max(...classNames.map((c) => c.length), 1));
  const left = labelWidth + 30;
  const top = 70;
  const width = left + n * cell + 20;
  const height = top + n * cell + labelWidth + 30;
  const total = matrix.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  const right = matrix.reduce((s, row, i) => s + (row[i] ?? 0), 0);
  const parts: string[] = [
    text(width / 2, 22, 'Confusion matrix (test set)', {
      'font-size': 15,
      'text-anchor': 'middle',
      'font-weight': 'bold',
    }),
    text(
      width / 2,
      42,
      `${right} of ${total} right (accuracy ${(right / Math.max(total, 1)).toFixed(4)}); shade: share of the true class`,
      {
        'font-size': 11,
        'text-anchor': 'middle',
        fill: '#555',
      },
    ),
  ];
  matrix.forEach((row, i) => {
    const rowTotal = row.reduce((a, b) => a + b, 0);
    row.forEach((count, j) => {
      const share = rowTotal > 0 ? count / rowTotal : 0;
      const x = left + j * cell;
      const y = top + i * cell;
      parts.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${blues(share)}" stroke="#ffffff"/>`,
      );
      if (count > 0) {
        parts.push(
          text(x + cell / 2, y + cell / 2 + 4, String(count), {
            'text-anchor': 'middle',
            'font-size': cell >= 36 ? 12 : 10,
            fill: share > 0.5 ? '#ffffff' : '#222222',
          }),
        );
      }
    });
  });
  classNames.forEach((name, i) => {
    parts.push(
      text(left - 6, top + i * cell + cell / 2 + 4, name, { 'text-anchor': 'end', 'font-size': 11 }),
    );
    const cx = r(left + i * cell + cell / 2);
    const cy = top + n * cell + 8;
    parts.push(
      `<text x="${cx}" y="${cy}" font-size="11" fill="#222" text-anchor="end" transform="rotate(-60 ${cx} ${cy})">${esc(name)}</text>`,
    );
  });
  parts.push(
    text(14, top + (n * cell) / 2, 'true class', {
      'text-anchor': 'middle',
      transform: `rotate(-90 14 ${r(top + (n * cell) / 2)})`,
    }),
  );
  parts.push(text(left + (n * cell) / 2, height - 8, 'predicted class', { 'text-anchor': 'middle' }));
  return svgDocument(width, height, parts.join('\n'));
}
