/**
 * The WebAssembly backend: core's kernel contract on the compiled kernels of
 * `@tensorflow/tfjs-backend-wasm` (XNNPACK inside), driven directly from TypeScript, on SIMD passes it
 * emits at run time (codegen/), and on core's kernel kit (`@dendrite/core/kit`) over its heap views for
 * everything else. Each method is storage plus one call into its family's file under kernels/, inside
 * one kernel scope of the runtime (see runtime/runtime.ts). Core validated every shape, dtype and
 * attribute (the contract lets kernels trust them); the only checks here protect the heap: inputs must
 * be live storage holding what their shapes say (runtime/live-storage.ts).
 */
import {
  type ArgReduceOp,
  type Backend,
  BackendError,
  type BackendMemory,
  type BinaryOp,
  type Conv2DAttrs,
  type DataArray,
  type DataId,
  type DType,
  type FusedActivation,
  type KernelTensor,
  type OptimizerHyper,
  type OptimizerKind,
  type OutSpec,
  type Pool2DAttrs,
  type PoolOp,
  type ReduceOp,
  sizeOf,
  type UnaryOp,
} from '@dendrite/core';
import * as kit from '@dendrite/core/kit';
import { activationGradKernel } from './kernels/activation-grad.js';
import { batchNormKernel, batchNormTrainingGradKernel } from './kernels/batch-norm.js';
import { binaryKernel, binaryScalarKernel, whereKernel } from './kernels/binary.js';
import { castKernel } from './kernels/cast.js';
import { conv2dKernel } from './kernels/conv2d.js';
import { conv2dBackpropFilterKernel } from './kernels/conv2d-grad-filter.js';
import { conv2dBackpropInputKernel } from './kernels/conv2d-grad-input.js';
import { concatKernel, gatherKernel, padKernel, scatterAddKernel, sliceKernel } from './kernels/layout.js';
import { lstmSequenceGradKernel, lstmSequenceKernel } from './kernels/lstm-sequence.js';
import { fusedMatmulKernel, matmulKernel } from './kernels/matmul.js';
import { optimizerKernel } from './kernels/optimizer.js';
import { avgPool2dGradKernel, maxPool2dGradKernel, pool2dKernel } from './kernels/pool.js';
import { argReduceKernel, reduceKernel } from './kernels/reduce.js';
import { softmaxKernel } from './kernels/softmax.js';
import { transposeKernel } from './kernels/transpose.js';
import { unaryKernel } from './kernels/unary.js';
import { checkElements, liveBlock, liveData } from './runtime/live-storage.js';
import type { LoadedModule } from './runtime/platform.js';
import type { KernelScope, WasmRuntime } from './runtime/runtime.js';
import type { WasmData } from './runtime/wasm-data.js';

export class WasmBackend implements Backend {
  private disposed = false;

  constructor(
    readonly name: string,
    /** @internal the runtime (instance, storage, kernel scopes); exposed for the package's own tests. */
    readonly runtime: WasmRuntime,
    private readonly loaded: LoadedModule,
  ) {}

  // ─── storage ─────────────────────────────────────────────────────────────────────────────────────

  private run<T>(op: string, body: (k: KernelScope) => T): T {
    if (this.disposed) throw new BackendError(op, `the wasm backend '${this.name}' has been disposed`);
    return this.runtime.run(op, body);
  }

  /** The live block behind a kernel input (see runtime/live-storage.ts). */
  private input(op: string, t: KernelTensor, what = 'input'): WasmData {
    return liveData(op, this.runtime.live, t, what);
  }

  /** Runs `body` on a fresh output block of `out`'s dtype and size. */
  private produce(op: string, out: OutSpec, body: (k: KernelScope, d: WasmData) => void): DataId {
    const n = sizeOf(out.shape);
    checkElements(op, n);
    return this.run(op, (k) => {
      const d = k.out(out.dtype, n);
      body(k, d);
      return d;
    });
  }

  upload(values: DataArray, dtype: DType): DataId {
    checkElements('upload', values.length);
    return this.run('upload', (k) => {
      const d = k.out(dtype, values.length);
      k.view(d).set(values);
      return d;
    });
  }

  readSync(id: DataId, dtype: DType, size: number): DataArray {
    if (this.disposed)
      throw new BackendError('readSync', `the wasm backend '${this.name}' has been disposed`);
    const d = liveBlock('readSync', this.runtime.live, id, dtype, size);
    return this.runtime.run('readSync', (k) => k.view(d).slice());
  }

  async read(id: DataId, dtype: DType, size: number): Promise<DataArray> {
    return this.readSync(id, dtype, size);
  }

  disposeData(id: DataId): void {
    if (this.runtime.live.has(id as WasmData)) this.runtime.free(id as WasmData);
  }

  memory(): BackendMemory {
    return { bytes: this.runtime.liveBytes, buffers: this.runtime.live.size };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.runtime.dispose();
  }

  info(): Record<string, unknown> {
    const inst = this.runtime.instance;
    return {
      kind: 'wasm',
      build: inst.flavor,
      simd: inst.flavor !== 'plain',
      threads: inst.threads,
      requestedThreads: this.loaded.requestedThreads,
      fallbacks: [
        ...this.loaded.fallbacks,
        ...(inst.emitted?.helperFailure ? [inst.emitted.helperFailure] : []),
      ],
      // Threads beside the caller that run Dendrite's emitted kernels (the GEMM); see kernel-workers.ts.
      kernelHelpers: inst.emitted?.helperCount ?? 0,
      // The emitted GEMM multiplies and adds with relaxed SIMD's f32x4.relaxed_madd (see codegen/gemm.ts).
      relaxedSimdGemm: inst.emitted?.fma ?? false,
      heapBytes: inst.heapBytes,
      cachedBytes: inst.allocator.cached,
      incidents: [...this.runtime.incidents],
    };
  }

  // ─── required kernels ────────────────────────────────────────────────────────────────────────────

  fill(value: number, out: OutSpec): DataId {
    return this.produce('fill', out, (k, d) => k.view(d).fill(kit.elementOf(value, out.dtype)));
  }

  unary(op: UnaryOp, x: KernelTensor, out: OutSpec): DataId {
    const xd = this.input(op, x);
    return this.produce(op, out, (k, d) => unaryKernel(k, op, xd, d));
  }

  binary(op: BinaryOp, a: KernelTensor, b: KernelTensor, out: OutSpec): DataId {
    const [ad, bd] = [this.input(op, a, 'a'), this.input(op, b, 'b')];
    return this.produce(op, out, (k, d) => binaryKernel(k, op, ad, a.shape, bd, b.shape, d, out.shape));
  }

  where(cond: KernelTensor, a: KernelTensor, b: KernelTensor, out: OutSpec): DataId {
    const op = 'where';
    const [cd, ad, bd] = [this.input(op, cond, 'cond'), this.input(op, a, 'a'), this.input(op, b, 'b')];
    return this.produce(op, out, (k, d) =>
      whereKernel(k, cd, cond.shape, ad, a.shape, bd, b.shape, d, out.shape),
    );
  }

  cast(x: KernelTensor, out: OutSpec): DataId {
    const xd = this.input('cast', x);
    return this.produce('cast', out, (k, d) => castKernel(k, xd, d, out.dtype));
  }

  reduce(op: ReduceOp, x: KernelTensor, axes: readonly number[], out: OutSpec): DataId {
    const xd = this.input(op, x);
    return this.produce(op, out, (k, d) => reduceKernel(k, op, xd, x.shape, axes, d));
  }

  argReduce(op: ArgReduceOp, x: KernelTensor, axis: number, out: OutSpec): DataId {
    const xd = this.input(op, x);
    return this.produce(op, out, (k, d) => argReduceKernel(k, op, xd, x.shape, axis, d));
  }

  matmul(a: KernelTensor, b: KernelTensor, transposeA: boolean, transposeB: boolean, out: OutSpec): DataId {
    const [ad, bd] = [this.input('matmul', a, 'a'), this.input('matmul', b, 'b')];
    return this.produce('matmul', out, (k, d) =>
      matmulKernel(k, ad, a.shape, bd, b.shape, transposeA, transposeB, d, out.shape),
    );
  }

  conv2d(x: KernelTensor, filter: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    const op = 'conv2d';
    const [xd, fd] = [this.input(op, x, 'x'), this.input(op, filter, 'filter')];
    const g = kit.convGeometry(x.shape, filter.shape, attrs);
    return this.produce(op, out, (k, d) => conv2dKernel(k, xd, fd, g, d));
  }

  conv2dBackpropInput(dy: KernelTensor, filter: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    const op = 'conv2dBackpropInput';
    const [dyd, fd] = [this.input(op, dy, 'dy'), this.input(op, filter, 'filter')];
    const g = kit.convGeometry(out.shape, filter.shape, attrs);
    return this.produce(op, out, (k, d) => conv2dBackpropInputKernel(k, dyd, fd, g, d));
  }

  conv2dBackpropFilter(x: KernelTensor, dy: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    const op = 'conv2dBackpropFilter';
    const [xd, dyd] = [this.input(op, x, 'x'), this.input(op, dy, 'dy')];
    const g = kit.convGeometry(x.shape, out.shape, attrs);
    return this.produce(op, out, (k, d) => conv2dBackpropFilterKernel(k, xd, dyd, g, d));
  }

  pool2d(op: PoolOp, x: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId {
    const name = op === 'max' ? 'maxPool2d' : 'avgPool2d';
    const xd = this.input(name, x, 'x');
    const g = kit.poolGeometry(x.shape, attrs);
    return this.produce(name, out, (k, d) => pool2dKernel(k, op, xd, g, d));
  }

  maxPool2dGrad(dy: KernelTensor, x: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId {
    const op = 'maxPool2dGrad';
    const [dyd, xd] = [this.input(op, dy, 'dy'), this.input(op, x, 'x')];
    const g = kit.poolGeometry(x.shape, attrs);
    return this.produce(op, out, (k, d) => maxPool2dGradKernel(k, dyd, xd, g, d));
  }

  avgPool2dGrad(dy: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId {
    const op = 'avgPool2dGrad';
    const dyd = this.input(op, dy, 'dy');
    const g = kit.poolGeometry(out.shape, attrs);
    return this.produce(op, out, (k, d) => avgPool2dGradKernel(k, dyd, g, d));
  }

  transpose(x: KernelTensor, perm: readonly number[], out: OutSpec): DataId {
    const xd = this.input('transpose', x);
    return this.produce('transpose', out, (k, d) => transposeKernel(k, xd, x.shape, perm, d));
  }

  slice(x: KernelTensor, begin: readonly number[], out: OutSpec): DataId {
    const xd = this.input('slice', x);
    return this.produce('slice', out, (k, d) => sliceKernel(k, xd, x.shape, begin, d, out.shape));
  }

  concat(xs: readonly KernelTensor[], axis: number, out: OutSpec): DataId {
    const ds = xs.map((t, i) => this.input('concat', t, `input ${i}`));
    return this.produce('concat', out, (k, d) =>
      concatKernel(
        k,
        ds,
        xs.map((t) => t.shape),
        axis,
        d,
        out.shape,
      ),
    );
  }

  pad(x: KernelTensor, pads: readonly (readonly [number, number])[], value: number, out: OutSpec): DataId {
    const xd = this.input('pad', x);
    return this.produce('pad', out, (k, d) => padKernel(k, xd, x.shape, pads, value, d, out.shape));
  }

  expand(x: KernelTensor, out: OutSpec): DataId {
    const xd = this.input('expand', x);
    return this.produce('expand', out, (k, d) => kit.expand(k.view(xd), x.shape, k.view(d), out.shape));
  }

  gather(x: KernelTensor, indices: KernelTensor, axis: number, out: OutSpec): DataId {
    const op = 'gather';
    const [xd, id] = [this.input(op, x, 'x'), this.input(op, indices, 'indices')];
    return this.produce(op, out, (k, d) => gatherKernel(k, xd, x.shape, id, axis, d));
  }

  scatterAdd(updates: KernelTensor, indices: KernelTensor, axis: number, out: OutSpec): DataId {
    const op = 'scatterAdd';
    const [ud, id] = [this.input(op, updates, 'updates'), this.input(op, indices, 'indices')];
    return this.produce(op, out, (k, d) => scatterAddKernel(k, ud, id, axis, d, out.shape));
  }

  // ─── fused kernels ───────────────────────────────────────────────────────────────────────────────

  binaryScalar(op: BinaryOp, a: KernelTensor, value: number, scalarFirst: boolean, out: OutSpec): DataId {
    const ad = this.input(op, a, 'a');
    return this.produce(op, out, (k, d) => binaryScalarKernel(k, op, ad, value, scalarFirst, d));
  }

  fusedMatmul(
    a: KernelTensor,
    b: KernelTensor,
    bias: KernelTensor | null,
    activation: FusedActivation,
    transposeA: boolean,
    transposeB: boolean,
    out: OutSpec,
  ): DataId {
    const op = 'fusedMatmul';
    const [ad, bd] = [this.input(op, a, 'a'), this.input(op, b, 'b')];
    const biasData = bias ? this.input(op, bias, 'bias') : null;
    return this.produce(op, out, (k, d) =>
      fusedMatmulKernel(
        k,
        ad,
        a.shape,
        bd,
        b.shape,
        biasData,
        bias?.shape ?? null,
        activation,
        transposeA,
        transposeB,
        d,
        out.shape,
      ),
    );
  }

  fusedActivationGrad(dy: KernelTensor, y: KernelTensor, activation: FusedActivation, out: OutSpec): DataId {
    const op = 'fusedActivationGrad';
    const [dyd, yd] = [this.input(op, dy, 'dy'), this.input(op, y, 'y')];
    return this.produce(op, out, (k, d) => activationGradKernel(k, dyd, yd, activation, d));
  }

  softmax(x: KernelTensor, axis: number, out: OutSpec): DataId {
    const xd = this.input('softmax', x, 'x');
    return this.produce('softmax', out, (k, d) => softmaxKernel(k, xd, x.shape, axis, d, false));
  }

  logSoftmax(x: KernelTensor, axis: number, out: OutSpec): DataId {
    const xd = this.input('logSoftmax', x, 'x');
    return this.produce('logSoftmax', out, (k, d) => softmaxKernel(k, xd, x.shape, axis, d, true));
  }

  batchNormApply(
    x: KernelTensor,
    mean: KernelTensor,
    variance: KernelTensor,
    gamma: KernelTensor,
    beta: KernelTensor,
    eps: number,
    out: OutSpec,
  ): DataId {
    const op = 'batchNorm';
    const xd = this.input(op, x, 'x');
    const stats = [mean, variance, gamma, beta].map((t, i) =>
      this.input(op, t, ['mean', 'variance', 'gamma', 'beta'][i]),
    );
    return this.produce(op, out, (k, d) =>
      batchNormKernel(k, xd, stats as [WasmData, WasmData, WasmData, WasmData], eps, d),
    );
  }

  batchNormTrainingGrad(
    dy: KernelTensor,
    x: KernelTensor,
    mean: KernelTensor,
    variance: KernelTensor,
    gamma: KernelTensor,
    eps: number,
  ): DataId[] {
    const op = 'batchNormTrainingGrad';
    const names = ['dy', 'x', 'mean', 'variance', 'gamma'];
    const inputs = [dy, x, mean, variance, gamma].map((t, i) => this.input(op, t, names[i]));
    const sizes = [sizeOf(x.shape), mean.shape[0], mean.shape[0]];
    for (const n of sizes) checkElements(op, n);
    return this.run(op, (k) => {
      const outs = sizes.map((n) => k.out('float32', n));
      batchNormTrainingGradKernel(
        k,
        inputs as [WasmData, WasmData, WasmData, WasmData, WasmData],
        eps,
        outs as [WasmData, WasmData, WasmData],
      );
      return outs;
    });
  }

  softmaxCrossEntropy(logits: KernelTensor, target: KernelTensor, out: OutSpec): DataId {
    const op = 'softmaxCrossEntropy';
    const [ld, td] = [this.input(op, logits, 'logits'), this.input(op, target, 'target')];
    const [rows, classes] = logits.shape;
    return this.produce(op, out, (k, d) =>
      kit.softmaxCrossEntropy(k.f32(ld), k.f32(td), rows, classes, k.f32(d)),
    );
  }

  lstmCell(gates: KernelTensor, c: KernelTensor, out: OutSpec): DataId {
    const op = 'lstmCell';
    const [gd, cd] = [this.input(op, gates, 'gates'), this.input(op, c, 'c')];
    const [batch, hidden] = c.shape;
    return this.produce(op, out, (k, d) => kit.lstmCell(k.f32(gd), k.f32(cd), batch, hidden, k.f32(d)));
  }

  lstmSequence(
    x: KernelTensor,
    kernel: KernelTensor,
    recurrentKernel: KernelTensor,
    bias: KernelTensor,
    h0: KernelTensor,
    c0: KernelTensor,
    out: OutSpec,
  ): DataId {
    const op = 'lstmSequence';
    const names = ['x', 'kernel', 'recurrentKernel', 'bias', 'h0', 'c0'];
    const inputs = [x, kernel, recurrentKernel, bias, h0, c0].map((t, i) => this.input(op, t, names[i]));
    const [batch, steps, features] = x.shape;
    const dims = { batch, steps, features, hidden: h0.shape[1] };
    return this.produce(op, out, (k, d) => lstmSequenceKernel(k, inputs, dims, d));
  }

  lstmSequenceGrad(
    dTrajectory: KernelTensor,
    x: KernelTensor,
    kernel: KernelTensor,
    recurrentKernel: KernelTensor,
    trajectory: KernelTensor,
    h0: KernelTensor,
    c0: KernelTensor,
  ): DataId[] {
    const op = 'lstmSequenceGrad';
    const names = ['dTrajectory', 'x', 'kernel', 'recurrentKernel', 'trajectory', 'h0', 'c0'];
    const inputs = [dTrajectory, x, kernel, recurrentKernel, trajectory, h0, c0].map((t, i) =>
      this.input(op, t, names[i]),
    );
    const [batch, steps, features] = x.shape;
    const hidden = h0.shape[1];
    const dims = { batch, steps, features, hidden };
    const sizes = [
      batch * steps * features,
      features * 4 * hidden,
      hidden * 4 * hidden,
      4 * hidden,
      batch * hidden,
      batch * hidden,
    ];
    for (const n of sizes) checkElements(op, n);
    return this.run(op, (k) => {
      const outs = sizes.map((n) => k.out('float32', n));
      lstmSequenceGradKernel(k, inputs, dims, outs);
      return outs;
    });
  }

  optimizerUpdate(
    kind: OptimizerKind,
    param: KernelTensor,
    grad: KernelTensor,
    state: readonly KernelTensor[],
    hyper: OptimizerHyper,
  ): { param: DataId; state: DataId[] } {
    const op = `optimizerUpdate(${kind})`;
    const [pd, gd] = [this.input(op, param, 'param'), this.input(op, grad, 'grad')];
    const sd = state.map((s, i) => this.input(op, s, `state ${i}`));
    return this.run(op, (k) => {
      const p = k.out('float32', pd.size);
      const outs = Array.from({ length: kit.optimizerStateCount(kind, hyper) }, () =>
        k.out('float32', pd.size),
      );
      optimizerKernel(k, kind, pd, gd, sd, hyper, p, outs);
      return { param: p, state: outs };
    });
  }

  /** Every parameter's update in one backend call: one kernel scope, no per-parameter dispatch. */
  optimizerUpdateMany(
    kind: OptimizerKind,
    items: readonly {
      readonly param: KernelTensor;
      readonly grad: KernelTensor;
      readonly state: readonly KernelTensor[];
      readonly hyper: OptimizerHyper;
    }[],
  ): { param: DataId; state: DataId[] }[] {
    const op = `optimizerUpdateMany(${kind})`;
    const inputs = items.map((it, i) => ({
      p: this.input(op, it.param, `item ${i} param`),
      g: this.input(op, it.grad, `item ${i} grad`),
      s: it.state.map((s, j) => this.input(op, s, `item ${i} state ${j}`)),
      hyper: it.hyper,
    }));
    return this.run(op, (k) =>
      inputs.map(({ p: pd, g: gd, s: sd, hyper }) => {
        const p = k.out('float32', pd.size);
        const outs = Array.from({ length: kit.optimizerStateCount(kind, hyper) }, () =>
          k.out('float32', pd.size),
        );
        optimizerKernel(k, kind, pd, gd, sd, hyper, p, outs);
        return { param: p, state: outs };
      }),
    );
  }
}
