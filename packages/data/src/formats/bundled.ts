/**
 * Parsers of the two data sets this package ships (`datasets/`, from scikit-learn 1.2.1; CC BY 4.0,
 * UCI Machine Learning Repository). The Node entry loads the files; in a browser, fetch them yourself
 * (`@dendrite/data/datasets/digits.csv.gz`, `gunzip`) and pass the text here.
 */
import { ArgumentError } from '@dendrite/core';
import { ArrayDataset } from '../array-dataset.js';
import { DataFormatError } from '../errors.js';
import { parseCsv, parseCsvRecords } from './csv.js';

export const DIGITS_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

export interface DigitsOptions {
  /** `'flat'` (default): `x` is `[64]`; `'image'`: `x` is `[8, 8, 1]`. */
  readonly layout?: 'flat' | 'image';
  /** Keep the pixel counts 0-16 instead of scaling them to [0, 1] (default false). */
  readonly raw?: boolean;
}

/**
 * The 8×8 handwritten digits (Alpaydin & Kaynak 1998; 1797 images): CSV text without a header, 64 pixel
 * values 0-16, then the label.
 */
export function parseDigits(text: string, options: DigitsOptions = {}): ArrayDataset<'x' | 'y'> {
  const op = 'parseDigits';
  const layout = options.layout ?? 'flat';
  if (layout !== 'flat' && layout !== 'image') {
    throw new ArgumentError(op, `layout must be 'flat' or 'image', got '${layout}'`);
  }
  const table = parseCsv(text, { labelColumn: 64, source: 'digits' });
  const { x, y } = table.columns;
  if (x.shape[1] !== 64) throw new DataFormatError(op, `digits rows have ${x.shape[1]} pixels; expected 64`);
  const n = x.shape[0];
  const pixels = options.raw ? x.data : x.data.map((v) => v / 16);
  return new ArrayDataset(
    { x: { data: pixels, shape: layout === 'flat' ? [n, 64] : [n, 8, 8, 1] }, y },
    { classes: DIGITS_CLASSES },
  );
}

export const IRIS_FEATURES = [
  'sepal length (cm)',
  'sepal width (cm)',
  'petal length (cm)',
  'petal width (cm)',
] as const;

/**
 * Fisher's Iris data (150 flowers, 4 features, 3 species): scikit-learn's CSV, whose first line is
 * `rows,features,class names…`, then 4 features and a class index per line.
 */
export function parseIris(text: string): ArrayDataset<'x' | 'y'> {
  const op = 'parseIris';
  const newline = text.indexOf('\n');
  const first = parseCsvRecords(newline < 0 ? text : text.slice(0, newline))[0]?.fields ?? [];
  const rows = Number(first[0]);
  const features = Number(first[1]);
  const classes = first.slice(2).map((c) => c.trim());
  if (!(Number.isInteger(rows) && features === IRIS_FEATURES.length && classes.length > 0)) {
    throw new DataFormatError(op, `first line '${first.join(',')}' should be 'rows,4,class names…'`);
  }
  const table = parseCsv(newline < 0 ? '' : text.slice(newline + 1), { labelColumn: 4, source: 'iris' });
  if (table.length !== rows)
    throw new DataFormatError(op, `header declares ${rows} rows, found ${table.length}`);
  const y = table.columns.y.data;
  if (y.some((v) => v >= classes.length)) {
    throw new DataFormatError(op, `a label is outside the ${classes.length} classes ${classes.join(', ')}`);
  }
  return new ArrayDataset(table.columns, { classes, featureNames: IRIS_FEATURES });
}
