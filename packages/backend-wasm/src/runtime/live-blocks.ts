/**
 * The blocks a runtime has handed out and not freed: what a fresh instance copies after an abort, what
 * `dispose` frees, and what every kernel input is checked against. An array with each block's index in
 * the block itself, rather than a Set: adding and removing an object key hashes it, which was a tenth
 * of a 16-element add; here both are a few stores and membership one compare.
 */
import type { WasmData } from './wasm-data.js';

export class LiveBlocks implements Iterable<WasmData> {
  private readonly blocks: WasmData[] = [];

  get size(): number {
    return this.blocks.length;
  }

  /** Whether `d` is live here (a block of another runtime, or a freed one, is not). */
  has(d: WasmData): boolean {
    return this.blocks[d.liveIndex] === d;
  }

  add(d: WasmData): void {
    d.liveIndex = this.blocks.length;
    this.blocks.push(d);
  }

  /** Removes `d`, if live here, by moving the last block into its place. */
  delete(d: WasmData): void {
    if (!this.has(d)) return;
    const last = this.blocks.pop()!;
    if (last !== d) {
      this.blocks[d.liveIndex] = last;
      last.liveIndex = d.liveIndex;
    }
    d.liveIndex = -1;
  }

  /** A snapshot, so blocks may be freed while iterating. */
  [Symbol.iterator](): Iterator<WasmData> {
    return [...this.blocks][Symbol.iterator]();
  }
}
