import { ArgumentError } from '@dendrite/core';
import { describe, expect, it } from 'vitest';
import { DataFormatError, parseCsv, parseCsvRecords } from '../../src/index.js';

describe('parseCsvRecords', () => {
  it('follows RFC 4180: quotes, doubled quotes, delimiters and newlines inside quotes, CRLF', () => {
    const text = 'a,"b, c","say ""hi"""\r\n1,"two\nlines",\r\n\n"",x,y';
    const recs = parseCsvRecords(text);
    expect(recs.map((r) => r.fields)).toEqual([
      ['a', 'b, c', 'say "hi"'],
      ['1', 'two\nlines', ''],
      ['', 'x', 'y'],
    ]);
    expect(recs.map((r) => r.line)).toEqual([1, 2, 5]);
    expect(parseCsvRecords('1;2\n3;4\n', { delimiter: ';' }).map((r) => r.fields)).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('rejects an unclosed quote, a stray quote and a bad delimiter', () => {
    expect(() => parseCsvRecords('a,"b\nc', { source: 'f.csv' })).toThrow(
      'parseCsv: f.csv: the quoted field opened on line 1 never closes',
    );
    expect(() => parseCsvRecords('a,b"c"\n')).toThrow(DataFormatError);
    expect(() => parseCsvRecords('a', { delimiter: '""' })).toThrow(ArgumentError);
  });
});

describe('parseCsv', () => {
  const text = 'width,kind,height\n1.5,cat,2\n3,dog,-4e1\n0.25,cat,1\n';

  it('reads features and a named label column with a header; names become sorted classes', () => {
    const ds = parseCsv(text, { header: true, labelColumn: 'kind' });
    expect(ds.columns.x.shape).toEqual([3, 2]);
    expect(Array.from(ds.columns.x.data)).toEqual([1.5, 2, 3, -40, 0.25, 1]);
    expect(Array.from(ds.columns.y.data)).toEqual([0, 1, 0]);
    expect(ds.classes).toEqual(['cat', 'dog']);
    expect(ds.featureNames).toEqual(['width', 'height']);
  });

  it('uses integer labels as they are, a given class order, negative column indices and regression targets', () => {
    const ints = parseCsv('1,2,7\n3,4,0\n', { labelColumn: -1 });
    expect(Array.from(ints.columns.y.data)).toEqual([7, 0]);
    expect(ints.classes).toBeUndefined();
    const ordered = parseCsv(text, { header: true, labelColumn: 1, classes: ['dog', 'cat'] });
    expect(Array.from(ordered.columns.y.data)).toEqual([1, 0, 1]);
    const regression = parseCsv('1,0.5\n2,1.5\n', { labelColumn: 1, labelType: 'value' });
    expect(regression.columns.y.shape).toEqual([2, 1]);
    expect(Array.from(regression.columns.y.data)).toEqual([0.5, 1.5]);
    const unlabelled = parseCsv('1,2\n3,4');
    expect(Object.keys(unlabelled.columns)).toEqual(['x']);
    expect(unlabelled.columns.x.shape).toEqual([2, 2]);
  });

  it('throws DataFormatError for ragged rows, naming the line and the expected width', () => {
    expect(() => parseCsv('a,b,c\n1,2,3\n4,5\n', { header: true, source: 'r.csv' })).toThrow(
      'parseCsv: r.csv line 3 has 2 fields; expected 3 like the header (ragged rows)',
    );
    expect(() => parseCsv('1,2\n3,4,5\n')).toThrow(DataFormatError);
  });

  it('throws for non-numbers, unknown classes, missing label columns and empty files', () => {
    expect(() => parseCsv('1,2\nx,4\n')).toThrow("parseCsv: CSV line 2, column 0: 'x' is not a number");
    expect(() => parseCsv('1,\n', {})).toThrow(/'' is not a number/);
    expect(() => parseCsv('1,bird\n', { labelColumn: 1, classes: ['cat'] })).toThrow(
      /label 'bird' is not one of the classes cat/,
    );
    expect(() => parseCsv(text, { header: true, labelColumn: 'colour' })).toThrow(ArgumentError);
    expect(() => parseCsv('1,2\n', { labelColumn: 2 })).toThrow(ArgumentError);
    expect(() => parseCsv('', {})).toThrow(DataFormatError);
    expect(() => parseCsv('a,b\n', { header: true })).toThrow(/no data records/);
  });
});
