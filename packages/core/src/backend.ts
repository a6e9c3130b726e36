/**
 * The kernel contract: the one interface every Dendrite backend implements.
 *
 * Core validates every argument (shapes, dtypes, axes, attributes) and computes every output shape before
 * it calls a kernel, so a kernel may trust its inputs. A kernel receives its inputs as `KernelTensor`s
 * (storage id + shape + dtype), the output's shape and dtype as `out`, and returns the id of freshly
 * allocated storage holding the result. Storage is contiguous and row-major; a kernel never mutates its
 * inputs. Gradients are not the backend's concern: core defines them once, with ops, for every backend,
 * except where a gradient is itself a kernel below (conv2d's input and filter gradients, pooling gradients,
 * scatter-add).
 *
 * Required kernels come first. The optional (fused) kernels after them have default implementations in
 * core built from the required ones; a backend implements one only to be faster, and the conformance suite
 * checks it against the default. The lists are also run-time data (kernel-table.ts): the registry refuses
 * a backend that lacks a required kernel, naming it.
 *
 * Asynchronous backends (WebGPU) are first-class. The rules core relies on, and that the suite checks
 * with `deferredBackend` (a wrapper that queues every kernel and runs the queue later, as a GPU does):
 * 1. A kernel may only enqueue its work: it returns the output's id at once, before the result exists.
 *    Queued kernels run in call order, so a kernel always sees its inputs' final values.
 * 2. `read(id)` resolves only after every queued kernel that writes `id` has run (in practice: after a
 *    flush of everything queued before the read). It is the only way values leave a backend; core, layers,
 *    optim and the training loop never call `readSync`, which async backends leave out.
 * 3. `disposeData(id)` may be called while queued work still reads `id` (core frees temporaries right
 *    after the op that used them); the backend must keep the storage until that work has run.
 * 4. Storage layout is the backend's business: it may keep `bool` in 32-bit elements (WGSL has no 8-bit
 *    storage) or pad buffers, converting at `upload` and `read`, which always take and give the contract's
 *    arrays (`Uint8Array` for bool). `upload` sizes need not be multiples of 4 bytes.
 * 5. Number literals reach kernels as attributes (`fill`'s value, `pad`'s value, `binaryScalar`, the
 *    optimizer hyper-parameters), never as storage core uploads per call.
 * 6. Errors a backend can only detect while running queued work (device loss, out of memory) surface as a
 *    `BackendError` from the next `read` or from a later kernel call; core validates everything it can
 *    before calling a kernel, so a kernel never has to throw for bad shapes, dtypes or attributes.
 */
import type { DataArray, DType } from './dtype.js';
import type { Shape } from './shape.js';

/** Opaque handle to a block of backend storage. Only the backend that made it understands it. */
export type DataId = object;

export interface KernelTensor {
  readonly id: DataId;
  readonly shape: Shape;
  readonly dtype: DType;
}

/** Shape and dtype of a kernel's output, computed by core. */
export interface OutSpec {
  readonly shape: Shape;
  readonly dtype: DType;
}

export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'rsqrt'
  | 'square'
  | 'reciprocal'
  | 'sin'
  | 'cos'
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'erf'
  | 'sign'
  | 'floor'
  | 'ceil'
  /** round half to even, as PyTorch, NumPy and ONNX do */
  | 'round'
  | 'expm1'
  | 'log1p'
  /** bool -> bool */
  | 'logicalNot';

export type ArithmeticOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';
export type CompareOp = 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual';
export type LogicalOp = 'logicalAnd' | 'logicalOr' | 'logicalXor';
export type BinaryOp = ArithmeticOp | CompareOp | LogicalOp;

export type ReduceOp = 'sum' | 'prod' | 'max' | 'min';
export type ArgReduceOp = 'argmax' | 'argmin';

/** Explicit padding of the two spatial axes: [[top, bottom], [left, right]]. */
export type Pads2D = readonly [readonly [number, number], readonly [number, number]];

/**
 * Convolution attributes, fully resolved by core. `x` is NHWC, the filter is
 * `[kh, kw, inChannels / groups, outChannels]`; output channel `o` belongs to group
 * `floor(o / (outChannels / groups))` and reads input channels `g * inChannels/groups …`.
 * Depthwise convolution is `groups = inChannels` with the depthwise filter `[kh, kw, C, M]` read as
 * `[kh, kw, 1, C*M]`.
 */
export interface Conv2DAttrs {
  readonly strides: readonly [number, number];
  readonly pads: Pads2D;
  readonly dilations: readonly [number, number];
  readonly groups: number;
}

/** Pooling attributes. Padding never counts towards an average; max pooling pads with -Infinity. */
export interface Pool2DAttrs {
  readonly window: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly pads: Pads2D;
}

export type PoolOp = 'max' | 'avg';

export type FusedActivation = 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'tanh';

export interface BackendMemory {
  /** Bytes of tensor storage the backend holds right now. */
  readonly bytes: number;
  /** Number of storage blocks the backend holds right now. */
  readonly buffers: number;
}

export interface Backend {
  /** The name it is registered under. */
  readonly name: string;

  // ─── Storage ──────────────────────────────────────────────────────────────────────────────────────

  /** Copies `values` (already in `dtype`'s storage type) into new storage. */
  upload(values: DataArray, dtype: DType): DataId;
  /** Reads a whole block back. Every backend supports this. */
  read(id: DataId, dtype: DType, size: number): Promise<DataArray>;
  /** Synchronous read, where the backend can (CPU, wasm). Absent on async-only backends (WebGPU). */
  readSync?(id: DataId, dtype: DType, size: number): DataArray;
  /** Frees storage. Core calls it exactly once per id, when the last tensor sharing it is disposed. */
  disposeData(id: DataId): void;
  memory(): BackendMemory;
  /** Free everything the backend holds (workers, devices, heaps). */
  dispose?(): void;
  /** Free-form facts about the backend (threads, SIMD, adapter…). */
  info?(): Record<string, unknown>;

  // ─── Required primitive kernels ───────────────────────────────────────────────────────────────────

  /** A tensor of `out.shape` with every element `value` (converted to `out.dtype`). */
  fill(value: number, out: OutSpec): DataId;

  /**
   * Elementwise unary op; `out.dtype === x.dtype` (float32 for transcendental ops, which core enforces).
   * int32 inputs are allowed for neg, abs, sign, square.
   */
  unary(op: UnaryOp, x: KernelTensor, out: OutSpec): DataId;

  /**
   * Elementwise binary op with NumPy broadcasting: `out.shape` is the broadcast of `a.shape` and
   * `b.shape`; `a.dtype === b.dtype`. Arithmetic ops keep the dtype (int32 `div` truncates toward zero);
   * compare ops give bool; logical ops take and give bool.
   */
  binary(op: BinaryOp, a: KernelTensor, b: KernelTensor, out: OutSpec): DataId;

  /** `cond ? a : b` elementwise, all three broadcast to `out.shape`; `cond` is bool. */
  where(cond: KernelTensor, a: KernelTensor, b: KernelTensor, out: OutSpec): DataId;

  /** Converts to `out.dtype`: float -> int truncates toward zero, anything -> bool is `x != 0`. */
  cast(x: KernelTensor, out: OutSpec): DataId;

  /**
   * Reduces over `axes` (sorted, unique, non-negative). `out.shape` is `x.shape` with those axes removed.
   * Empty reductions give the identity: sum 0, prod 1, max -Infinity, min +Infinity.
   */
  reduce(op: ReduceOp, x: KernelTensor, axes: readonly number[], out: OutSpec): DataId;

  /** Index (int32) of the first extreme value along `axis`; `out.shape` is `x.shape` without `axis`. */
  argReduce(op: ArgReduceOp, x: KernelTensor, axis: number, out: OutSpec): DataId;

  /**
   * Batched matrix product. `a` is `[...batchA, M, K]` (`[...batchA, K, M]` when `transposeA`),
   * `b` is `[...batchB, K, N]` (`[...batchB, N, K]` when `transposeB`); both have rank >= 2 and the batch
   * axes broadcast to `out.shape = [...batch, M, N]`. float32 only.
   */
  matmul(a: KernelTensor, b: KernelTensor, transposeA: boolean, transposeB: boolean, out: OutSpec): DataId;

  /**
   * 2-D convolution (cross-correlation). `x` `[N, H, W, Cin]`, `filter` `[kh, kw, Cin/groups, Cout]`,
   * `out` `[N, OH, OW, Cout]` with `OH = floor((H + top + bottom - (kh-1)*dh - 1) / sh) + 1`.
   */
  conv2d(x: KernelTensor, filter: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId;

  /** Gradient of conv2d with respect to its input: `dy` `[N, OH, OW, Cout]` -> `out` = x's shape. */
  conv2dBackpropInput(dy: KernelTensor, filter: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId;

  /** Gradient of conv2d with respect to its filter: `out` = the filter's shape. */
  conv2dBackpropFilter(x: KernelTensor, dy: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId;

  /** Max or average pooling, NHWC, `out` `[N, OH, OW, C]`. */
  pool2d(op: PoolOp, x: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId;

  /** Gradient of max pooling: each `dy` goes to the first maximum of its window in `x`. */
  maxPool2dGrad(dy: KernelTensor, x: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId;

  /** Gradient of average pooling: each `dy` is spread evenly over its window's non-padding elements. */
  avgPool2dGrad(dy: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId;

  /** Permutes axes: `out.shape[i] = x.shape[perm[i]]`. */
  transpose(x: KernelTensor, perm: readonly number[], out: OutSpec): DataId;

  /** Contiguous box `x[begin[i] : begin[i] + out.shape[i]]` on every axis. */
  slice(x: KernelTensor, begin: readonly number[], out: OutSpec): DataId;

  /** Joins tensors of equal rank and dtype along `axis` (all other axes equal). */
  concat(xs: readonly KernelTensor[], axis: number, out: OutSpec): DataId;

  /** Constant padding: `pads[i] = [before, after]` for every axis (non-negative). */
  pad(x: KernelTensor, pads: readonly (readonly [number, number])[], value: number, out: OutSpec): DataId;

  /** Broadcasts `x` to `out.shape` (NumPy rules; rank of `out` >= rank of `x`). Also the basis of tile. */
  expand(x: KernelTensor, out: OutSpec): DataId;

  /**
   * Gathers slices of `x` along `axis` at `indices` (int32, any shape, all in range):
   * `out.shape = x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:]`.
   */
  gather(x: KernelTensor, indices: KernelTensor, axis: number, out: OutSpec): DataId;

  /**
   * The adjoint of gather: a zero tensor of `out.shape` into which every slice of `updates` is added at
   * `indices` along `axis` (repeated indices accumulate). float32.
   */
  scatterAdd(updates: KernelTensor, indices: KernelTensor, axis: number, out: OutSpec): DataId;

  // ─── Optional fused kernels (defaults in core, see ops/fused/*) ───────────────────────────────────

  /**
   * `a op value` (or `value op a` when `scalarFirst`) for a number operand, which reaches the kernel as an
   * attribute: no storage is allocated or uploaded for the literal (an optimizer step has dozens). `value`
   * is already an element of `a.dtype` (int32: an integer; bool: 0 or 1); the result dtype is as for
   * `binary`. Default: `fill` a one-element tensor and `binary`.
   */
  binaryScalar?(op: BinaryOp, a: KernelTensor, value: number, scalarFirst: boolean, out: OutSpec): DataId;

  /**
   * `activation(a @ b + bias)`; `bias` broadcasts against `[...batch, M, N]` (usually `[N]`).
   * Default: matmul, add, activation.
   */
  fusedMatmul?(
    a: KernelTensor,
    b: KernelTensor,
    bias: KernelTensor | null,
    activation: FusedActivation,
    transposeA: boolean,
    transposeB: boolean,
    out: OutSpec,
  ): DataId;

  /**
   * `activation(conv2d(x, filter) + bias)`, `bias` `[Cout]` or null; attributes as `conv2d`.
   * Default: conv2d, add, activation.
   */
  fusedConv2d?(
    x: KernelTensor,
    filter: KernelTensor,
    bias: KernelTensor | null,
    activation: FusedActivation,
    attrs: Conv2DAttrs,
    out: OutSpec,
  ): DataId;

  /**
   * `dy · act'(z)` through the activation's output `y` (same shape as `dy`): relu `dy · (y > 0)`, relu6
   * `dy · (0 < y < 6)`, sigmoid `dy · (y · (1 − y))`, tanh `dy · (1 − y · y)`, each product rounded to
   * float32 in that order; never called for linear. The first pass of a fused layer's gradient.
   * Default: those elementwise ops (ops/fused/activation-gradient.ts).
   */
  fusedActivationGrad?(dy: KernelTensor, y: KernelTensor, activation: FusedActivation, out: OutSpec): DataId;

  /** Softmax along `axis` (numerically stable). Default: max, sub, exp, sum, div. */
  softmax?(x: KernelTensor, axis: number, out: OutSpec): DataId;

  /** Log-softmax along `axis`. Default: x - logsumexp(x). */
  logSoftmax?(x: KernelTensor, axis: number, out: OutSpec): DataId;

  /**
   * Batch-norm forward over every axis but the last: `gamma * (x - mean) / sqrt(variance + eps) + beta`,
   * with `mean`, `variance`, `gamma`, `beta` of shape `[C]`. Default: elementwise ops.
   */
  batchNormApply?(
    x: KernelTensor,
    mean: KernelTensor,
    variance: KernelTensor,
    gamma: KernelTensor,
    beta: KernelTensor,
    eps: number,
    out: OutSpec,
  ): DataId;

  /**
   * Gradient of training-mode batch norm over every axis but the last, from the upstream `dy` and the
   * batch's `mean` and biased `variance` `[C]`: with `x̂ = (x − mean)·rstd`, `rstd = 1/√(variance + eps)`
   * and n elements per channel, `[dx, dgamma, dbeta]` = `[gamma·rstd·(dy − Σdy/n − x̂·Σ(dy·x̂)/n),
   * Σ(dy·x̂), Σdy]` (shapes of x, `[C]`, `[C]`), rounded as core's default. Default: elementwise ops and
   * sums (gradients/fused/batch-norm.grad.ts).
   */
  batchNormTrainingGrad?(
    dy: KernelTensor,
    x: KernelTensor,
    mean: KernelTensor,
    variance: KernelTensor,
    gamma: KernelTensor,
    eps: number,
  ): DataId[];

  /**
   * Per-example softmax cross-entropy of `logits` `[N, C]` against probabilities `target` `[N, C]`:
   * `out[n] = -sum_c target[n, c] * logSoftmax(logits)[n, c]`. Default: logSoftmax, mul, sum.
   */
  softmaxCrossEntropy?(logits: KernelTensor, target: KernelTensor, out: OutSpec): DataId;

  /**
   * One LSTM cell step from its pre-activations `gates` `[B, 4H]` (blocks i, f, g, o) and the previous cell
   * state `c` `[B, H]`: `c' = sig(f)*c + sig(i)*tanh(g)`, `h' = sig(o)*tanh(c')`. `out` is `[B, 2H]` holding
   * `h'` then `c'` along the last axis. Default: slices and elementwise ops.
   */
  lstmCell?(gates: KernelTensor, c: KernelTensor, out: OutSpec): DataId;

  /**
   * A whole LSTM layer over a sequence: `x` `[B, T, F]`, `kernel` `[F, 4H]`, `recurrentKernel` `[H, 4H]`,
   * `bias` `[4H]` (blocks i, f, g, o), `h0`, `c0` `[B, H]`. `out` is the trajectory `[B, T, 6H]`: per step
   * `h_t`, `c_t` and the gate pre-activations `z_t = x_t·kernel + bias + h_{t-1}·recurrentKernel`.
   * Default: one product for the input projection, then per step a product and `lstmCell`.
   */
  lstmSequence?(
    x: KernelTensor,
    kernel: KernelTensor,
    recurrentKernel: KernelTensor,
    bias: KernelTensor,
    h0: KernelTensor,
    c0: KernelTensor,
    out: OutSpec,
  ): DataId;

  /**
   * Back-propagation through time of `lstmSequence`: from `dTrajectory` (the gradient of its output; the
   * `z` blocks are ignored), the inputs and the `trajectory` it produced, the gradients of
   * `[x, kernel, recurrentKernel, bias, h0, c0]`, in that order and of those shapes. Default: per step
   * the cell's backward in elementwise ops and one product, then three products over all steps.
   */
  lstmSequenceGrad?(
    dTrajectory: KernelTensor,
    x: KernelTensor,
    kernel: KernelTensor,
    recurrentKernel: KernelTensor,
    trajectory: KernelTensor,
    h0: KernelTensor,
    c0: KernelTensor,
  ): DataId[];

  /**
   * Optimizer update: returns new storage for the parameter and its state, never mutating
   * inputs. `kind` and `hyper` follow PyTorch's update rules (see ops/fused/optimizer-updates.ts).
   */
  optimizerUpdate?(
    kind: OptimizerKind,
    param: KernelTensor,
    grad: KernelTensor,
    state: readonly KernelTensor[],
    hyper: OptimizerHyper,
  ): { param: DataId; state: DataId[] };

  /**
   * `optimizerUpdate` for every item in one call (an optimizer's whole step), results in item order.
   * Default: one optimizerUpdate per item.
   */
  optimizerUpdateMany?(
    kind: OptimizerKind,
    items: readonly {
      readonly param: KernelTensor;
      readonly grad: KernelTensor;
      readonly state: readonly KernelTensor[];
      readonly hyper: OptimizerHyper;
    }[],
  ): { param: DataId; state: DataId[] }[];
}

export type OptimizerKind = 'sgd' | 'adam';

export interface OptimizerHyper {
  readonly lr: number;
  readonly momentum?: number;
  readonly dampening?: number;
  readonly nesterov?: boolean;
  readonly weightDecay?: number;
  /** true: AdamW's decoupled decay */
  readonly decoupledWeightDecay?: boolean;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  readonly amsgrad?: boolean;
  /** 1-based step number (bias correction) */
  readonly step?: number;
  /** SGD momentum: true on the first step (the buffer starts as the gradient) */
  readonly firstStep?: boolean;
}

/** Creates a backend; may be asynchronous (WebGPU adapters, wasm instantiation). */
export type BackendFactory = () => Backend | Promise<Backend>;
