import { describe, expect, it } from 'vitest';
import * as pkg from '../src/index.js';

describe('@dendrite/backend-wasm', () => {
  it('exports nothing until its issue lands (no placeholder APIs)', () => {
    expect(Object.keys(pkg)).toEqual([]);
  });
});
