/**
 * CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF) to a data set of numeric features and an
 * optional label column.
 */
import { ArgumentError } from '@dendrite/core';
import { ArrayDataset } from '../array-dataset.js';
import { DataFormatError } from '../errors.js';

export interface CsvRecord {
  readonly fields: string[];
  /** 1-based line where the record starts, for error messages. */
  readonly line: number;
}

/** The records of `text`; blank lines are skipped. */
export function parseCsvRecords(
  text: string,
  options: { delimiter?: string; source?: string } = {},
): CsvRecord[] {
  const delimiter = options.delimiter ?? ',';
  const source = options.source ?? 'CSV';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new ArgumentError(
      'parseCsv',
      `delimiter must be one character other than a quote or newline, got '${delimiter}'`,
    );
  }
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current field had quotes (so an empty one is still a field)
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !wasQuoted)) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"') {
      if (field !== '') {
        throw new DataFormatError(
          'parseCsv',
          `${source} line ${line}: a quote inside an unquoted field; quote the whole field`,
        );
      }
      quoted = true;
      wasQuoted = true;
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
      wasQuoted = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += ch;
    }
  }
  if (quoted)
    throw new DataFormatError(
      'parseCsv',
      `${source}: the quoted field opened on line ${recordLine} never closes`,
    );
  if (field !== '' || fields.length > 0 || wasQuoted) endRecord();
  return records;
}

export interface CsvOptions {
  /** The first record names the columns (default false). */
  readonly header?: boolean;
  readonly delimiter?: string;
  /** The column holding the label: its index, or its name when there is a header. */
  readonly labelColumn?: number | string;
  /**
   * `'class'` (default): labels become int32 class indices — the integers themselves when every label is
   * a non-negative integer, otherwise the position of the name in `classes` (given, or sorted names).
   * `'value'`: float32 regression targets `[1]`.
   */
  readonly labelType?: 'class' | 'value';
  /** Class names in label order, for `labelType: 'class'` with named labels. */
  readonly classes?: readonly string[];
  /** Names the text in error messages (a file path). */
  readonly source?: string;
}

function numberAt(source: string, record: CsvRecord, column: number, name: string): number {
  const text = record.fields[column].trim();
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) {
    throw new DataFormatError(
      'parseCsv',
      `${source} line ${record.line}, column ${name}: '${record.fields[column]}' is not a number`,
    );
  }
  return value;
}

/**
 * A data set from CSV `text`: `x` float32 `[features]` from every column but the label column, and `y`
 * from the label column when one is given. Every record must have as many fields as the first.
 */
export function parseCsv(
  text: string,
  options: CsvOptions & { labelColumn: number | string },
): ArrayDataset<'x' | 'y'>;
export function parseCsv(text: string, options?: CsvOptions): ArrayDataset<'x'>;
export function parseCsv(
  text: string,
  options: CsvOptions = {},
): ArrayDataset<'x' | 'y'> | ArrayDataset<'x'> {
  const op = 'parseCsv';
  const source = options.source ?? 'CSV';
  const records = parseCsvRecords(text, { delimiter: options.delimiter, source });
  const header = options.header ? records.shift() : undefined;
  const width = header?.fields.length ?? records[0]?.fields.length;
  if (width === undefined || records.length === 0)
    throw new DataFormatError(op, `${source} has no data records`);
  for (const r of records) {
    if (r.fields.length !== width) {
      throw new DataFormatError(
        op,
        `${source} line ${r.line} has ${r.fields.length} fields; expected ${width} like ${header ? 'the header' : 'the first record'} (ragged rows)`,
      );
    }
  }
  const names = header?.fields.map((f) => f.trim()) ?? Array.from({ length: width }, (_, i) => String(i));
  let labelAt = -1;
  if (typeof options.labelColumn === 'string') {
    labelAt = names.indexOf(options.labelColumn);
    if (!header || labelAt < 0) {
      throw new ArgumentError(
        op,
        `label column '${options.labelColumn}' is not in the header (${header ? names.join(', ') : 'no header'})`,
      );
    }
  } else if (options.labelColumn !== undefined) {
    labelAt = options.labelColumn < 0 ? width + options.labelColumn : options.labelColumn;
    if (!(Number.isInteger(labelAt) && labelAt >= 0 && labelAt < width)) {
      throw new ArgumentError(op, `label column ${options.labelColumn} is outside the ${width} columns`);
    }
  }
  const featureColumns = names.map((_, i) => i).filter((i) => i !== labelAt);
  const n = records.length;
  const f = featureColumns.length;
  const x = new Float32Array(n * f);
  records.forEach((r, i) => {
    featureColumns.forEach((c, j) => {
      x[i * f + j] = numberAt(source, r, c, names[c]);
    });
  });
  const featureNames = header ? featureColumns.map((c) => names[c]) : undefined;
  const xColumn = { data: x, shape: [n, f] };
  if (labelAt < 0) return new ArrayDataset({ x: xColumn }, { featureNames });
  if (options.labelType === 'value') {
    const y = Float32Array.from(records, (r) => numberAt(source, r, labelAt, names[labelAt]));
    return new ArrayDataset({ x: xColumn, y: { data: y, shape: [n, 1] } }, { featureNames });
  }
  const raw = records.map((r) => r.fields[labelAt].trim());
  let classes = options.classes;
  const integers = !classes && raw.every((s) => /^\d+$/.test(s));
  if (!integers && !classes) classes = [...new Set(raw)].sort();
  const y = Int32Array.from(records, (r, i) => {
    if (integers) return Number(raw[i]);
    const index = classes!.indexOf(raw[i]);
    if (index < 0) {
      throw new DataFormatError(
        op,
        `${source} line ${r.line}: label '${raw[i]}' is not one of the classes ${classes!.join(', ')}`,
      );
    }
    return index;
  });
  return new ArrayDataset({ x: xColumn, y: { data: y, shape: [n] } }, { classes, featureNames });
}
