/** The backend's storage handle (core's `DataId`): a block of the wasm heap registered with the C side. */
import { bytesPerElement, type DType } from '@dendrite/core';

export class WasmData {
  /** Freed by `disposeData` (or by `dispose()` of the backend). */
  freed = false;
  /**
   * XNNPACK caches a matmul operator (with the weights packed) under the id of B, keyed by nothing else:
   * the same bytes read as B with another [K, N] (a reshape shares storage) need an id of their own.
   * `weightShape` is the [K, N] the primary id was used with; `aliases` holds ids for other shapes.
   */
  weightShape: string | null = null;
  aliases: Map<string, number> | null = null;
  /**
   * How often this block was a matmul's B. XNNPACK's packing of B pays only when B is used many times
   * (inference weights); the first uses (training: new weights every step, each read a few times) go to
   * the emitted GEMM, which reads B in place (see EMITTED_GEMM_USES in kernels/matmul.ts).
   */
  matmulUses = 0;

  constructor(
    /** Byte offset in the heap of the instance `generation`. */
    public ptr: number,
    /** Size class of the block (what the allocator handed out). */
    public cls: number,
    /** Number of elements. */
    readonly size: number,
    readonly dtype: DType,
    /** The C side's tensor id. Fresh for every block: ids are never reused while C may cache them. */
    public cid: number,
    public generation: number,
  ) {}

  get bytes(): number {
    return this.size * bytesPerElement(this.dtype);
  }
}
