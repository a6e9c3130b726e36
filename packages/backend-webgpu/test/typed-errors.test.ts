// The backend raises only core's typed errors (each a DendriteError naming an op): no plain `Error`
// anywhere in its source, and the guards of its kernel builders give BackendError.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackendError } from '@dendrite/core';
import { describe, expect, it } from 'vitest';
import { offsetsCode } from '../src/kernels/strided.js';
import { writeUniforms } from '../src/runtime/program.js';

const SRC = join(import.meta.dirname, '..', 'src');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

describe('typed errors only', () => {
  it('no source file constructs a plain Error', () => {
    const plain = files(SRC).filter((f) => /\bnew (Type|Range)?Error\(/.test(readFileSync(f, 'utf8')));
    expect(plain).toEqual([]);
  });

  it('a uniform without its value, or with more axes than it holds, is a BackendError', () => {
    const view = new DataView(new ArrayBuffer(256));
    expect(() => writeUniforms(view, 0, [{ name: 'size', kind: 'u32' }], {})).toThrow(BackendError);
    expect(() =>
      writeUniforms(view, 0, [{ name: 'shape', kind: 'vec8' }], { shape: new Array(9).fill(2) }),
    ).toThrow(BackendError);
    writeUniforms(view, 0, [{ name: 'shape', kind: 'vec32' }], { shape: new Array(32).fill(2) });
    expect(view.getUint32(31 * 4, true)).toBe(2);
  });

  it('a collapsed shape past 32 axes is refused with a BackendError (no storage holds one)', () => {
    expect(offsetsCode('i', 32, ['x'])).toContain('off_x');
    expect(() => offsetsCode('i', 33, ['x'])).toThrow(BackendError);
  });
});
