// LiveBlocks: the array-with-indices set of a runtime's live blocks (membership is one compare).
import { describe, expect, it } from 'vitest';
import { LiveBlocks } from '../src/runtime/live-blocks.js';
import { WasmData } from '../src/runtime/wasm-data.js';

const registrar = { register: () => 1 };
const block = (ptr: number) => new WasmData(ptr, 16, 4, 'float32', registrar, 0);

describe('LiveBlocks', () => {
  it('adds, removes from the middle and the end, and knows what it holds', () => {
    const live = new LiveBlocks();
    const [a, b, c, d] = [block(0), block(16), block(32), block(48)];
    for (const x of [a, b, c, d]) live.add(x);
    live.delete(b); // d moves into b's place
    expect(live.size).toBe(3);
    expect([a, b, c, d].map((x) => live.has(x))).toEqual([true, false, true, true]);
    live.delete(d);
    live.delete(d); // not live any more: nothing happens
    expect([...live]).toEqual([a, c]);
    expect(b.liveIndex).toBe(-1);
  });

  it("does not count another runtime's block, even one at the same index", () => {
    const one = new LiveBlocks();
    const other = new LiveBlocks();
    const mine = block(0);
    const theirs = block(0);
    one.add(mine);
    other.add(theirs);
    expect(one.has(theirs)).toBe(false);
    one.delete(theirs);
    expect(one.has(mine)).toBe(true);
  });

  it('iterates over a snapshot, so every block can be removed while iterating', () => {
    const live = new LiveBlocks();
    const blocks = [0, 1, 2, 3, 4].map((i) => block(i * 16));
    for (const x of blocks) live.add(x);
    for (const x of live) live.delete(x);
    expect(live.size).toBe(0);
  });
});
