import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataFormatError, DIGITS_CLASSES, IRIS_FEATURES, parseIris } from '../../src/index.js';
import { digits, iris } from '../../src/node/index.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

describe('digits (bundled)', () => {
  it('has 1797 images of 8×8 in 10 classes, scaled to [0, 1]', async () => {
    const ds = await digits();
    expect(ds.length).toBe(1797);
    expect(ds.columns.x.shape).toEqual([1797, 64]);
    expect(ds.classes).toEqual(DIGITS_CLASSES);
    const counts = new Array(10).fill(0);
    for (const y of ds.columns.y.data) counts[y]++;
    // scikit-learn's load_digits() class counts.
    expect(counts).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    expect(Math.min(...ds.columns.x.data)).toBe(0);
    expect(Math.max(...ds.columns.x.data)).toBe(1);
    expect(Array.from(ds.get(0).x.data.subarray(0, 8))).toEqual([0, 0, 5, 13, 9, 1, 0, 0].map((v) => v / 16));
  });

  it('gives images [8, 8, 1] and raw counts 0-16 on request', async () => {
    const ds = await digits({ layout: 'image', raw: true });
    expect(ds.get(0).x.shape).toEqual([8, 8, 1]);
    expect(Array.from(ds.get(0).x.data.subarray(0, 8))).toEqual([0, 0, 5, 13, 9, 1, 0, 0]);
  });
});

describe('iris (bundled)', () => {
  it('has 150 flowers, 4 named features, 50 of each of 3 species', async () => {
    const ds = await iris();
    expect(ds.columns.x.shape).toEqual([150, 4]);
    expect(ds.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(ds.featureNames).toEqual(IRIS_FEATURES);
    expect(Array.from(ds.get(0).x.data)).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));
    const counts = [0, 0, 0];
    for (const y of ds.columns.y.data) counts[y]++;
    expect(counts).toEqual([50, 50, 50]);
  });

  it('rejects a malformed first line or row count', () => {
    expect(() => parseIris('150,5,a,b\n1,2,3,4,0\n')).toThrow(DataFormatError);
    expect(() => parseIris('3,4,a,b\n1,2,3,4,0\n')).toThrow(/header declares 3 rows, found 1/);
    expect(() => parseIris('1,4,a\n1,2,3,4,1\n')).toThrow(/outside the 1 classes/);
  });
});

describe('the package ships the data sets', () => {
  it('has byte-identical copies of the repository files and lists datasets/ in package.json files', () => {
    for (const name of ['digits.csv.gz', 'iris.csv']) {
      expect(readFileSync(here(`../../datasets/${name}`))).toEqual(
        readFileSync(here(`../../../../datasets/${name}`)),
      );
    }
    const pkg = JSON.parse(readFileSync(here('../../package.json'), 'utf8'));
    expect(pkg.files).toContain('datasets');
    expect(pkg.exports['./node']).toBeDefined();
  });
});
