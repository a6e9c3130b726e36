/**
 * The backend's storage handle (core's `DataId`): a block of the wasm heap, registered with the C side
 * when a C kernel first needs its id.
 */
import { bytesPerElement, type DType } from '@dendrite/core';

/** What registers a block with the C side (the instance whose heap holds it). */
export interface Registrar {
  register(ptr: number, size: number): number;
}

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
  /** Where the block sits in its runtime's LiveBlocks (-1 when not live). */
  liveIndex = -1;

  constructor(
    /** Byte offset in the heap of the instance `generation`. */
    public ptr: number,
    /** Size class of the block (what the allocator handed out). */
    public cls: number,
    /** Number of elements. */
    readonly size: number,
    readonly dtype: DType,
    /** The instance that registers the block (replaced, with the id cleared, when the heap moves). */
    public registrar: Registrar,
    public generation: number,
    /** The C side's id if already registered (0: not yet). */
    private id = 0,
  ) {}

  /**
   * The C side's tensor id, registered on first use. Fresh for every block: ids are never reused while
   * C may cache them. Most blocks never reach a C kernel (elementwise results, the emitted kernels'
   * operands, which take pointers), and registering and forgetting each one was a fifth of a small op
   * (W10's 16-element add on one thread).
   */
  get cid(): number {
    if (this.id === 0) this.id = this.registrar.register(this.ptr, this.size);
    return this.id;
  }

  /** The id if the block has been registered, else 0 (nothing to forget). */
  get registeredId(): number {
    return this.id;
  }

  /** After the heap moved to `registrar`'s instance: the block is unregistered there. */
  moved(registrar: Registrar, generation: number): void {
    this.registrar = registrar;
    this.generation = generation;
    this.id = 0;
  }

  get bytes(): number {
    return this.size * bytesPerElement(this.dtype);
  }
}
