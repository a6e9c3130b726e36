/**
 * One allocator per module instance: size classes with free lists over the module's `malloc`/`free`.
 *
 * A training step frees and re-allocates the same sizes every iteration; keeping freed blocks per size
 * class turns those into a pop from a list, and keeps the wasm heap (which never shrinks) flat. Classes
 * are multiples of 1/8 of the next power of two (at most 12.5% waste). Cached blocks are capped so a
 * change of shapes does not strand memory; on an out-of-memory the cache is released and the request
 * retried.
 */

const MIN_CLASS = 64;
/** Stay clear of the 4 GiB ceiling: allocations near it have been seen to run past 2^32. */
const HEAP_LIMIT = 2 ** 32 - 2 ** 28;

export function sizeClass(bytes: number): number {
  if (bytes <= MIN_CLASS) return MIN_CLASS;
  const step = Math.max(MIN_CLASS, 2 ** Math.ceil(Math.log2(bytes)) / 8);
  return Math.ceil(bytes / step) * step;
}

export interface RawHeap {
  malloc(bytes: number): number;
  free(ptr: number): void;
  /** Current size of the heap in bytes. */
  heapSize(): number;
}

export class SizeClassAllocator {
  private readonly free = new Map<number, number[]>();
  /** Bytes in blocks handed out (class sizes). */
  inUse = 0;
  /** Bytes in freed blocks kept for reuse. */
  cached = 0;
  blocks = 0;

  constructor(
    private readonly heap: RawHeap,
    /** The most bytes kept in free lists beyond what is in use. */
    private readonly minCacheCap = 64 * 2 ** 20,
  ) {}

  /** A block of at least `bytes` (class size returned with it); throws RangeError when the heap is full. */
  alloc(bytes: number): { ptr: number; cls: number } {
    const cls = sizeClass(bytes);
    const list = this.free.get(cls);
    let ptr = list?.pop();
    if (ptr !== undefined) {
      this.cached -= cls;
    } else {
      ptr = this.mallocChecked(cls);
      if (ptr === 0) {
        this.releaseCache();
        ptr = this.mallocChecked(cls);
      }
      if (ptr === 0) {
        throw new RangeError(
          `out of wasm memory: ${cls} bytes requested with ${this.inUse} in use (heap ${this.heap.heapSize()} bytes)`,
        );
      }
    }
    this.inUse += cls;
    this.blocks++;
    return { ptr, cls };
  }

  release(ptr: number, cls: number): void {
    this.inUse -= cls;
    this.blocks--;
    if (this.cached + cls > Math.max(this.minCacheCap, this.inUse)) {
      this.heap.free(ptr);
      return;
    }
    let list = this.free.get(cls);
    if (!list) {
      list = [];
      this.free.set(cls, list);
    }
    list.push(ptr);
    this.cached += cls;
  }

  /** Returns every cached block to `free`. */
  releaseCache(): void {
    for (const list of this.free.values()) for (const p of list) this.heap.free(p);
    this.free.clear();
    this.cached = 0;
  }

  private mallocChecked(bytes: number): number {
    const ptr = this.heap.malloc(bytes) >>> 0;
    if (ptr !== 0 && ptr + bytes > HEAP_LIMIT) {
      this.heap.free(ptr);
      return 0;
    }
    return ptr;
  }
}
