// Where scopes cannot follow the async context (browsers: one global slot), two asynchronous tidy bodies
// that interleave are refused with a ScopeError and nothing is disposed — never a tensor freed by a scope
// that did not make it. (In Node, core's Node entry makes scopes follow the async context: see
// backend-cpu's core-memory test.)
import { describe, expect, it } from 'vitest';
import { Engine } from '../src/engine.js';
import { ScopeError } from '../src/errors.js';
import type { Tensor } from '../src/tensor.js';

/** Just enough of a tensor for the engine's bookkeeping. */
function fakeTensor(engine: Engine, id: number): Tensor {
  const t = {
    id,
    shape: [1],
    dtype: 'float32',
    kept: false,
    scope: null,
    storage: { refs: 1 },
    disposed: false,
    dispose(this: { disposed: boolean }) {
      if (this.disposed) return;
      this.disposed = true;
      engine.untrack(t);
    },
  } as unknown as Tensor & { disposed: boolean };
  engine.track(t);
  return t;
}

describe('scopes in one global slot', () => {
  it('dispose what a scope made, keep what it returns, in nested order', () => {
    const engine = new Engine();
    const outer = engine.beginScope('outer');
    const a = fakeTensor(engine, 1);
    const inner = engine.beginScope('inner');
    const b = fakeTensor(engine, 2);
    const c = fakeTensor(engine, 3);
    engine.endScope(inner, new Set([c]));
    expect((b as unknown as { disposed: boolean }).disposed).toBe(true);
    expect(c.scope).toBe(outer);
    engine.endScope(outer, new Set());
    expect((a as unknown as { disposed: boolean }).disposed).toBe(true);
    expect((c as unknown as { disposed: boolean }).disposed).toBe(true);
    expect(engine.currentScope()).toBe(null);
  });

  it('refuse interleaved async bodies with a ScopeError, disposing nothing', () => {
    const engine = new Engine();
    const a = engine.beginScope('A');
    const fromA = fakeTensor(engine, 1);
    const b = engine.beginScope('B'); // B began while A's body was suspended
    const madeDuringB = fakeTensor(engine, 2); // A's continuation or B's: a global slot cannot tell
    expect(() => engine.endScope(a, new Set())).toThrowError(ScopeError);
    expect(() => engine.endScope(a, new Set())).toThrowError(
      /scope 'A' ended while 'B', opened after it, is still open: two asynchronous tidy bodies ran at the same time/,
    );
    expect((fromA as unknown as { disposed: boolean }).disposed).toBe(false);
    expect((madeDuringB as unknown as { disposed: boolean }).disposed).toBe(false);
    engine.endScope(b, new Set());
    expect((madeDuringB as unknown as { disposed: boolean }).disposed).toBe(true);
  });
});
