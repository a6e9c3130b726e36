/**
 * The WebAssembly backend: core's kernel contract on the compiled kernels of
 * `@tensorflow/tfjs-backend-wasm` (XNNPACK inside), driven directly from TypeScript, plus the kernels
 * that module lacks written over its heap views. Each method validates what it is given (the C side
 * checks nothing), then runs inside one kernel scope of the runtime (see runtime/runtime.ts).
 */
import {
  type ArgReduceOp,
  ArgumentError,
  type Backend,
  BackendError,
  type BackendMemory,
  type BinaryOp,
  type Conv2DAttrs,
  type DataArray,
  type DataId,
  type DType,
  DTypeError,
  type FusedActivation,
  type KernelTensor,
  type OptimizerHyper,
  type OptimizerKind,
  type OutSpec,
  type Pool2DAttrs,
  type PoolOp,
  type ReduceOp,
  ShapeError,
  shapesEqual,
  type UnaryOp,
} from '@dendrite/core';
import { batchNormKernel } from './kernels/batch-norm.js';
import { binaryKernel, expandKernel, whereKernel } from './kernels/binary.js';
import { product } from './kernels/broadcast.js';
import { convGeometry } from './kernels/conv-geometry.js';
import { conv2dKernel } from './kernels/conv2d.js';
import { conv2dBackpropFilterKernel } from './kernels/conv2d-grad-filter.js';
import { conv2dBackpropInputKernel } from './kernels/conv2d-grad-input.js';
import { concatKernel, gatherKernel, padKernel, scatterAddKernel, sliceKernel } from './kernels/layout.js';
import { lstmCellKernel } from './kernels/lstm-cell.js';
import { ACTIVATION_CODE, matmulKernel } from './kernels/matmul.js';
import { adamKernel, sgdKernel } from './kernels/optimizer.js';
import { adamLoop, sgdLoop } from './kernels/optimizer-loop.js';
import { avgPool2dGradKernel, maxPool2dGradKernel, pool2dKernel, poolGeometry } from './kernels/pool.js';
import { argReduce3, reduce3 } from './kernels/reduce.js';
import { softmaxCrossEntropyKernel, softmaxKernel } from './kernels/softmax.js';
import { transposeKernel } from './kernels/transpose.js';
import { unaryKernel } from './kernels/unary.js';
import type { LoadedModule } from './runtime/platform.js';
import type { KernelScope, WasmRuntime } from './runtime/runtime.js';
import { WasmData } from './runtime/wasm-data.js';
import {
  broadcastOf,
  checkAxes,
  checkAxis,
  checkInt,
  checkOut,
  checkShape,
  dataOf,
  fmt,
} from './validate.js';

const UNARY_OPS: ReadonlySet<string> = new Set([
  'neg',
  'abs',
  'exp',
  'log',
  'sqrt',
  'rsqrt',
  'square',
  'reciprocal',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'relu',
  'erf',
  'sign',
  'floor',
  'ceil',
  'round',
  'expm1',
  'log1p',
  'logicalNot',
]);
const INT_UNARY: ReadonlySet<string> = new Set(['neg', 'abs', 'sign', 'square', 'relu']);
const ARITHMETIC: ReadonlySet<string> = new Set(['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum']);
const COMPARE: ReadonlySet<string> = new Set([
  'equal',
  'notEqual',
  'less',
  'lessEqual',
  'greater',
  'greaterEqual',
]);
const LOGICAL: ReadonlySet<string> = new Set(['logicalAnd', 'logicalOr', 'logicalXor']);
const REDUCE_OPS: ReadonlySet<string> = new Set(['sum', 'prod', 'max', 'min']);
const ACTIVATIONS: ReadonlySet<string> = new Set(['linear', 'relu', 'relu6', 'sigmoid', 'tanh']);
const FLOAT: readonly DType[] = ['float32'];
const INT: readonly DType[] = ['int32'];
const BOOL: readonly DType[] = ['bool'];
/** Parameters smaller than this update in one TypeScript loop, larger ones in XNNPACK passes. */
const LOOP_UPDATE_BELOW = 4096;

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

  private input(op: string, t: KernelTensor, dtypes: readonly DType[] | null, what = 'input'): WasmData {
    return dataOf(op, this.runtime.live, t, dtypes, what);
  }

  private storage(op: string, id: DataId, dtype: DType, size: number): WasmData {
    if (!(id instanceof WasmData) || id.freed || !this.runtime.live.has(id))
      throw new BackendError(op, 'not live storage of this wasm backend');
    if (id.dtype !== dtype || id.size !== size) {
      throw new BackendError(op, `storage holds ${id.size} ${id.dtype}, asked for ${size} ${dtype}`);
    }
    return id;
  }

  upload(values: DataArray, dtype: DType): DataId {
    const ok =
      dtype === 'float32'
        ? values instanceof Float32Array
        : dtype === 'int32'
          ? values instanceof Int32Array
          : dtype === 'bool' && values instanceof Uint8Array;
    if (!ok) throw new DTypeError('upload', `values ${values?.constructor?.name} do not hold ${dtype}`);
    checkShape('upload', 'values', [values.length]);
    return this.run('upload', (k) => {
      const d = k.out(dtype, values.length);
      k.view(d).set(values);
      return d;
    });
  }

  readSync(id: DataId, dtype: DType, size: number): DataArray {
    if (this.disposed)
      throw new BackendError('readSync', `the wasm backend '${this.name}' has been disposed`);
    const d = this.storage('readSync', id, dtype, size);
    return this.runtime.run('readSync', (k) => k.view(d).slice());
  }

  async read(id: DataId, dtype: DType, size: number): Promise<DataArray> {
    return this.readSync(id, dtype, size);
  }

  disposeData(id: DataId): void {
    if (id instanceof WasmData && this.runtime.live.has(id)) this.runtime.free(id);
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
      heapBytes: inst.heapBytes,
      cachedBytes: inst.allocator.cached,
      incidents: [...this.runtime.incidents],
    };
  }

  // ─── required kernels ────────────────────────────────────────────────────────────────────────────

  fill(value: number, out: OutSpec): DataId {
    const op = 'fill';
    const n = checkShape(op, 'output', out?.shape);
    if (typeof value !== 'number') throw new ArgumentError(op, `value ${String(value)} must be a number`);
    const dtype = out.dtype;
    if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool')
      throw new DTypeError(op, `unknown dtype ${dtype}`);
    return this.run(op, (k) => {
      const d = k.out(dtype, n);
      k.view(d).fill(dtype === 'bool' ? (value ? 1 : 0) : dtype === 'int32' ? Math.trunc(value) : value);
      return d;
    });
  }

  unary(op: UnaryOp, x: KernelTensor, out: OutSpec): DataId {
    const name = `unary(${op})`;
    if (!UNARY_OPS.has(op)) throw new ArgumentError('unary', `unknown op '${op}'`);
    const allowed: readonly DType[] =
      op === 'logicalNot' ? BOOL : INT_UNARY.has(op) ? ['float32', 'int32'] : FLOAT;
    const xd = this.input(name, x, allowed);
    const n = checkOut(name, out, x.shape, xd.dtype);
    return this.run(name, (k) => {
      const d = k.out(xd.dtype, n);
      unaryKernel(k, op, xd, d);
      return d;
    });
  }

  binary(op: BinaryOp, a: KernelTensor, b: KernelTensor, out: OutSpec): DataId {
    const name = `binary(${op})`;
    const kind = ARITHMETIC.has(op)
      ? 'arith'
      : COMPARE.has(op)
        ? 'compare'
        : LOGICAL.has(op)
          ? 'logical'
          : null;
    if (!kind) throw new ArgumentError('binary', `unknown op '${op}'`);
    const allowed: readonly DType[] | null =
      kind === 'arith' ? ['float32', 'int32'] : kind === 'logical' ? BOOL : null;
    const ad = this.input(name, a, allowed, 'a');
    const bd = this.input(name, b, allowed, 'b');
    if (ad.dtype !== bd.dtype)
      throw new DTypeError(name, `a is ${ad.dtype} and b is ${bd.dtype}; they must match`);
    const shape = broadcastOf(name, [a.shape, b.shape]);
    const dtype: DType = kind === 'arith' ? ad.dtype : 'bool';
    const n = checkOut(name, out, shape, dtype);
    return this.run(name, (k) => {
      const d = k.out(dtype, n);
      binaryKernel(k, op, ad, a.shape, bd, b.shape, d, shape);
      return d;
    });
  }

  where(cond: KernelTensor, a: KernelTensor, b: KernelTensor, out: OutSpec): DataId {
    const op = 'where';
    const cd = this.input(op, cond, BOOL, 'cond');
    const ad = this.input(op, a, null, 'a');
    const bd = this.input(op, b, null, 'b');
    if (ad.dtype !== bd.dtype)
      throw new DTypeError(op, `a is ${ad.dtype} and b is ${bd.dtype}; they must match`);
    const shape = broadcastOf(op, [cond.shape, a.shape, b.shape]);
    const n = checkOut(op, out, shape, ad.dtype);
    return this.run(op, (k) => {
      const d = k.out(ad.dtype, n);
      whereKernel(k.u8(cd), cond.shape, k.view(ad), a.shape, k.view(bd), b.shape, k.view(d), shape);
      return d;
    });
  }

  cast(x: KernelTensor, out: OutSpec): DataId {
    const op = 'cast';
    const xd = this.input(op, x, null);
    const dtype = out?.dtype;
    if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool')
      throw new DTypeError(op, `unknown dtype ${dtype}`);
    const n = checkOut(op, out, x.shape, dtype);
    return this.run(op, (k) => {
      const d = k.out(dtype, n);
      const src = k.view(xd);
      const dst = k.view(d);
      if (dtype === 'bool') for (let i = 0; i < n; i++) dst[i] = src[i] !== 0 ? 1 : 0;
      else if (dtype === 'int32' && xd.dtype === 'float32')
        for (let i = 0; i < n; i++) dst[i] = Math.trunc(src[i]);
      else dst.set(src);
      return d;
    });
  }

  reduce(op: ReduceOp, x: KernelTensor, axes: readonly number[], out: OutSpec): DataId {
    const name = `reduce(${op})`;
    if (!REDUCE_OPS.has(op)) throw new ArgumentError('reduce', `unknown op '${op}'`);
    const xd = this.input(name, x, null);
    const ax = checkAxes(name, axes, x.shape.length);
    const shape = x.shape.filter((_, i) => !ax.includes(i));
    const n = checkOut(name, out, shape, xd.dtype);
    return this.run(name, (k) => {
      const d = k.out(xd.dtype, n);
      if (n === 0) return d;
      if (ax.length === 0) {
        k.view(d).set(k.view(xd));
        return d;
      }
      let src = xd;
      let dims: readonly number[] = x.shape;
      let first = ax[0];
      let last = ax[ax.length - 1];
      if (last - first + 1 !== ax.length) {
        // Not contiguous: move the reduced axes last.
        const perm = [...x.shape.map((_, i) => i).filter((i) => !ax.includes(i)), ...ax];
        src = k.temp(xd.dtype, xd.size);
        transposeKernel(k, xd, x.shape, perm, src);
        dims = perm.map((p) => x.shape[p]);
        first = dims.length - ax.length;
        last = dims.length - 1;
      }
      reduce3(
        op,
        k.view(src),
        product(dims, 0, first),
        product(dims, first, last + 1),
        product(dims, last + 1),
        k.view(d),
      );
      return d;
    });
  }

  argReduce(op: ArgReduceOp, x: KernelTensor, axis: number, out: OutSpec): DataId {
    const name = op;
    if (op !== 'argmax' && op !== 'argmin') throw new ArgumentError('argReduce', `unknown op '${op}'`);
    const xd = this.input(name, x, null);
    const a = checkAxis(name, axis, x.shape.length);
    const shape = x.shape.filter((_, i) => i !== a);
    const n = checkOut(name, out, shape, 'int32');
    const len = x.shape.length === 0 ? 1 : x.shape[a];
    if (len === 0 && n > 0)
      throw new ArgumentError(name, `cannot reduce an empty axis ${a} of ${fmt(x.shape)}`);
    return this.run(name, (k) => {
      const d = k.out('int32', n);
      argReduce3(op, k.view(xd), product(x.shape, 0, a), len, product(x.shape, a + 1), k.i32(d));
      return d;
    });
  }

  matmul(a: KernelTensor, b: KernelTensor, transposeA: boolean, transposeB: boolean, out: OutSpec): DataId {
    const op = 'matmul';
    const { ad, bd, shape } = this.matmulOperands(op, a, b, transposeA, transposeB);
    const n = checkOut(op, out, shape, 'float32');
    return this.run(op, (k) => {
      const d = k.out('float32', n);
      matmulKernel(k, ad, a.shape, bd, b.shape, !!transposeA, !!transposeB, d, shape);
      return d;
    });
  }

  private matmulOperands(op: string, a: KernelTensor, b: KernelTensor, tA: boolean, tB: boolean) {
    const ad = this.input(op, a, FLOAT, 'a');
    const bd = this.input(op, b, FLOAT, 'b');
    const ra = a.shape.length;
    const rb = b.shape.length;
    if (ra < 2 || rb < 2)
      throw new ShapeError(op, `operands must have rank >= 2, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
    const m = tA ? a.shape[ra - 1] : a.shape[ra - 2];
    const ka = tA ? a.shape[ra - 2] : a.shape[ra - 1];
    const kb = tB ? b.shape[rb - 1] : b.shape[rb - 2];
    const nn = tB ? b.shape[rb - 2] : b.shape[rb - 1];
    if (ka !== kb)
      throw new ShapeError(
        op,
        `inner dimensions differ: ${fmt(a.shape)} @ ${fmt(b.shape)} gives K = ${ka} vs ${kb}`,
      );
    const shape = [...broadcastOf(op, [a.shape.slice(0, -2), b.shape.slice(0, -2)]), m, nn];
    return { ad, bd, shape, n: nn };
  }

  conv2d(x: KernelTensor, filter: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    const op = 'conv2d';
    const xd = this.input(op, x, FLOAT, 'x');
    const fd = this.input(op, filter, FLOAT, 'filter');
    const g = convGeometry(op, x.shape, filter.shape, attrs);
    const n = checkOut(op, out, [g.n, g.oh, g.ow, g.cout], 'float32');
    return this.run(op, (k) => {
      const d = k.out('float32', n);
      conv2dKernel(k, xd, fd, g, d);
      return d;
    });
  }

  conv2dBackpropInput(dy: KernelTensor, filter: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    const op = 'conv2dBackpropInput';
    const dyd = this.input(op, dy, FLOAT, 'dy');
    const fd = this.input(op, filter, FLOAT, 'filter');
    checkShape(op, 'output', out?.shape);
    const g = convGeometry(op, out.shape, filter.shape, attrs);
    checkDy(op, dy, [g.n, g.oh, g.ow, g.cout], ` for an input ${fmt(out.shape)}`);
    const n = checkOut(op, out, out.shape, 'float32');
    return this.run(op, (k) => {
      const d = k.out('float32', n);
      conv2dBackpropInputKernel(k, dyd, fd, g, d);
      return d;
    });
  }

  conv2dBackpropFilter(x: KernelTensor, dy: KernelTensor, attrs: Conv2DAttrs, out: OutSpec): DataId {
    const op = 'conv2dBackpropFilter';
    const xd = this.input(op, x, FLOAT, 'x');
    const dyd = this.input(op, dy, FLOAT, 'dy');
    checkShape(op, 'output', out?.shape);
    const g = convGeometry(op, x.shape, out.shape, attrs);
    checkDy(op, dy, [g.n, g.oh, g.ow, g.cout], ` for x ${fmt(x.shape)}`);
    const n = checkOut(op, out, out.shape, 'float32');
    return this.run(op, (k) => {
      const d = k.out('float32', n);
      conv2dBackpropFilterKernel(k, xd, dyd, g, d);
      return d;
    });
  }

  pool2d(op: PoolOp, x: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId {
    const name = op === 'max' ? 'maxPool2d' : 'avgPool2d';
    if (op !== 'max' && op !== 'avg') throw new ArgumentError('pool2d', `unknown pooling '${op}'`);
    const xd = this.input(name, x, FLOAT, 'x');
    const g = poolGeometry(name, x.shape, attrs);
    const n = checkOut(name, out, [g.n, g.oh, g.ow, g.c], 'float32');
    return this.run(name, (k) => {
      const d = k.out('float32', n);
      pool2dKernel(k, op, xd, g, d);
      return d;
    });
  }

  maxPool2dGrad(dy: KernelTensor, x: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId {
    const op = 'maxPool2dGrad';
    const dyd = this.input(op, dy, FLOAT, 'dy');
    const xd = this.input(op, x, FLOAT, 'x');
    const g = poolGeometry(op, x.shape, attrs);
    checkDy(op, dy, [g.n, g.oh, g.ow, g.c]);
    const n = checkOut(op, out, x.shape, 'float32');
    return this.run(op, (k) => {
      const d = k.out('float32', n);
      maxPool2dGradKernel(k.f32(dyd), k.f32(xd), g, k.f32(d));
      return d;
    });
  }

  avgPool2dGrad(dy: KernelTensor, attrs: Pool2DAttrs, out: OutSpec): DataId {
    const op = 'avgPool2dGrad';
    const dyd = this.input(op, dy, FLOAT, 'dy');
    checkShape(op, 'output', out?.shape);
    const g = poolGeometry(op, out.shape, attrs);
    checkDy(op, dy, [g.n, g.oh, g.ow, g.c]);
    const n = checkOut(op, out, out.shape, 'float32');
    return this.run(op, (k) => {
      const d = k.out('float32', n);
      avgPool2dGradKernel(k.f32(dyd), g, k.f32(d));
      return d;
    });
  }

  transpose(x: KernelTensor, perm: readonly number[], out: OutSpec): DataId {
    const op = 'transpose';
    const xd = this.input(op, x, null);
    const r = x.shape.length;
    if (
      !Array.isArray(perm) ||
      perm.length !== r ||
      [...perm].sort((p, q) => p - q).some((p, i) => p !== i)
    ) {
      throw new ArgumentError(op, `perm ${JSON.stringify(perm)} is not a permutation of ${r} axes`);
    }
    const shape = perm.map((p) => x.shape[p]);
    const n = checkOut(op, out, shape, xd.dtype);
    return this.run(op, (k) => {
      const d = k.out(xd.dtype, n);
      transposeKernel(k, xd, x.shape, perm, d);
      return d;
    });
  }

  slice(x: KernelTensor, begin: readonly number[], out: OutSpec): DataId {
    const op = 'slice';
    const xd = this.input(op, x, null);
    const r = x.shape.length;
    checkShape(op, 'output', out?.shape);
    if (!Array.isArray(begin) || begin.length !== r || out.shape.length !== r) {
      throw new ArgumentError(
        op,
        `begin ${JSON.stringify(begin)} and size ${fmt(out.shape)} must have rank ${r}`,
      );
    }
    for (let i = 0; i < r; i++) {
      checkInt(op, 'begin', begin[i], 0);
      if (begin[i] + out.shape[i] > x.shape[i])
        throw new ShapeError(
          op,
          `box at ${JSON.stringify(begin)} of size ${fmt(out.shape)} leaves x ${fmt(x.shape)}`,
        );
    }
    const n = checkOut(op, out, out.shape, xd.dtype);
    return this.run(op, (k) => {
      const d = k.out(xd.dtype, n);
      sliceKernel(k.view(xd), x.shape, begin, k.view(d), out.shape);
      return d;
    });
  }

  concat(xs: readonly KernelTensor[], axis: number, out: OutSpec): DataId {
    const op = 'concat';
    if (!Array.isArray(xs) || xs.length === 0) throw new ArgumentError(op, 'needs at least one tensor');
    const ds = xs.map((t, i) => this.input(op, t, null, `input ${i}`));
    const r = xs[0].shape.length;
    const a = checkAxis(op, axis, r);
    const shape = [...xs[0].shape];
    shape[a] = 0;
    for (const t of xs) {
      if (t.dtype !== xs[0].dtype) throw new DTypeError(op, `inputs mix ${xs[0].dtype} and ${t.dtype}`);
      if (t.shape.length !== r || t.shape.some((d: number, i: number) => i !== a && d !== xs[0].shape[i]))
        throw new ShapeError(op, `shapes ${xs.map((s) => fmt(s.shape)).join(', ')} differ off axis ${a}`);
      shape[a] += t.shape[a];
    }
    const n = checkOut(op, out, shape, ds[0].dtype);
    return this.run(op, (k) => {
      const d = k.out(ds[0].dtype, n);
      if (n > 0)
        concatKernel(
          ds.map((s, i) => ({ data: k.view(s), shape: xs[i].shape })),
          a,
          k.view(d),
          shape,
        );
      return d;
    });
  }

  pad(x: KernelTensor, pads: readonly (readonly [number, number])[], value: number, out: OutSpec): DataId {
    const op = 'pad';
    const xd = this.input(op, x, null);
    const r = x.shape.length;
    if (!Array.isArray(pads) || pads.length !== r) throw new ArgumentError(op, `pads must have ${r} pairs`);
    const shape = x.shape.map((d, i) => {
      const p = pads[i];
      if (!Array.isArray(p) || p.length !== 2)
        throw new ArgumentError(op, `pads ${JSON.stringify(pads)} must be pairs`);
      return d + checkInt(op, 'pad', p[0], 0) + checkInt(op, 'pad', p[1], 0);
    });
    if (typeof value !== 'number') throw new ArgumentError(op, `value ${String(value)} must be a number`);
    const n = checkOut(op, out, shape, xd.dtype);
    return this.run(op, (k) => {
      const d = k.out(xd.dtype, n);
      if (n === 0) return d;
      if (xd.dtype === 'float32' && xd.size > 0 && r >= 1 && r <= 6 && !Number.isNaN(value)) {
        // XNNPACK's constant pad (x32 copies, SIMD). Its operator is cached by pad value, and a NaN key
        // would compare equal to any other, so NaN pads take the TypeScript path.
        k.callSized(
          n,
          'PadV2',
          xd.cid,
          k.ints(x.shape),
          r,
          0,
          k.ints(pads.map((p) => p[0])),
          k.ints(pads.map((p) => p[1])),
          value,
          d.cid,
        );
        return d;
      }
      const fillValue =
        xd.dtype === 'bool' ? (value ? 1 : 0) : xd.dtype === 'int32' ? Math.trunc(value) : value;
      padKernel(k.view(xd), x.shape, pads, fillValue, k.view(d), shape);
      return d;
    });
  }

  expand(x: KernelTensor, out: OutSpec): DataId {
    const op = 'expand';
    const xd = this.input(op, x, null);
    checkShape(op, 'output', out?.shape);
    if (out.shape.length < x.shape.length || !shapesEqual(broadcastOf(op, [x.shape, out.shape]), out.shape)) {
      throw new ShapeError(op, `x ${fmt(x.shape)} does not broadcast to ${fmt(out.shape)}`);
    }
    const n = checkOut(op, out, out.shape, xd.dtype);
    return this.run(op, (k) => {
      const d = k.out(xd.dtype, n);
      expandKernel(k.view(xd), x.shape, k.view(d), out.shape);
      return d;
    });
  }

  gather(x: KernelTensor, indices: KernelTensor, axis: number, out: OutSpec): DataId {
    const op = 'gather';
    const xd = this.input(op, x, null, 'x');
    const id = this.input(op, indices, INT, 'indices');
    const a = checkAxis(op, axis, x.shape.length);
    if (x.shape.length === 0) throw new ShapeError(op, 'cannot gather from a scalar');
    const shape = [...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)];
    const n = checkOut(op, out, shape, xd.dtype);
    const len = x.shape[a];
    return this.run(op, (k) => {
      checkIndices(op, k.i32(id), len);
      const d = k.out(xd.dtype, n);
      if (n > 0)
        gatherKernel(k.view(xd), product(x.shape, 0, a), len, product(x.shape, a + 1), k.i32(id), k.view(d));
      return d;
    });
  }

  scatterAdd(updates: KernelTensor, indices: KernelTensor, axis: number, out: OutSpec): DataId {
    const op = 'scatterAdd';
    const ud = this.input(op, updates, FLOAT, 'updates');
    const id = this.input(op, indices, INT, 'indices');
    checkShape(op, 'output', out?.shape);
    const a = checkAxis(op, axis, out.shape.length);
    if (out.shape.length === 0) throw new ShapeError(op, 'cannot scatter into a scalar');
    const uShape = [...out.shape.slice(0, a), ...indices.shape, ...out.shape.slice(a + 1)];
    if (!shapesEqual(updates.shape, uShape))
      throw new ShapeError(op, `updates ${fmt(updates.shape)} should be ${fmt(uShape)}`);
    const n = checkOut(op, out, out.shape, 'float32');
    const len = out.shape[a];
    return this.run(op, (k) => {
      checkIndices(op, k.i32(id), len);
      const d = k.out('float32', n);
      if (n > 0)
        scatterAddKernel(
          k.f32(ud),
          product(out.shape, 0, a),
          len,
          product(out.shape, a + 1),
          k.i32(id),
          k.f32(d),
        );
      return d;
    });
  }

  // ─── fused kernels ───────────────────────────────────────────────────────────────────────────────

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
    if (!ACTIVATIONS.has(activation)) throw new ArgumentError(op, `unknown activation '${activation}'`);
    const { ad, bd, shape, n: cols } = this.matmulOperands(op, a, b, transposeA, transposeB);
    const biasData = bias ? this.input(op, bias, FLOAT, 'bias') : null;
    if (bias && !shapesEqual(broadcastOf(op, [bias.shape, shape]), shape))
      throw new ShapeError(op, `bias ${fmt(bias.shape)} does not broadcast to ${fmt(shape)}`);
    const n = checkOut(op, out, shape, 'float32');
    // XNNPACK adds a bias of [N] and applies relu / relu6 (clamps) and sigmoid itself.
    const rowBias =
      !bias ||
      (biasData!.size === cols &&
        bias.shape.every((d: number, i: number) => i === bias.shape.length - 1 || d === 1));
    const code = activation === 'tanh' ? undefined : ACTIVATION_CODE[activation];
    const inKernel =
      rowBias &&
      code !== undefined &&
      product(shape.slice(0, -2)) * cols > 0 &&
      a.shape[a.shape.length - (transposeA ? 2 : 1)] > 0;
    return this.run(op, (k) => {
      const d = k.out('float32', n);
      if (inKernel) {
        matmulKernel(k, ad, a.shape, bd, b.shape, !!transposeA, !!transposeB, d, shape, {
          bias: biasData,
          activation: code!,
        });
        return d;
      }
      matmulKernel(k, ad, a.shape, bd, b.shape, !!transposeA, !!transposeB, d, shape);
      if (biasData) binaryKernel(k, 'add', d, shape, biasData, bias!.shape, d, shape);
      if (activation === 'relu6') {
        const y = k.f32(d);
        for (let i = 0; i < y.length; i++) y[i] = Math.min(Math.max(y[i], 0), 6);
      } else if (activation !== 'linear') {
        unaryKernel(k, activation, d, d);
      }
      return d;
    });
  }

  softmax(x: KernelTensor, axis: number, out: OutSpec): DataId {
    return this.softmaxLike('softmax', x, axis, out, false);
  }

  logSoftmax(x: KernelTensor, axis: number, out: OutSpec): DataId {
    return this.softmaxLike('logSoftmax', x, axis, out, true);
  }

  private softmaxLike(op: string, x: KernelTensor, axis: number, out: OutSpec, log: boolean): DataId {
    const xd = this.input(op, x, FLOAT, 'x');
    const r = x.shape.length;
    const a = r === 0 ? 0 : checkAxis(op, axis, r);
    const n = checkOut(op, out, x.shape, 'float32');
    return this.run(op, (k) => {
      const d = k.out('float32', n);
      const len = r === 0 ? 1 : x.shape[a];
      softmaxKernel(k, xd, product(x.shape, 0, a), len, r === 0 ? 1 : product(x.shape, a + 1), d, log);
      return d;
    });
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
    const xd = this.input(op, x, FLOAT, 'x');
    if (x.shape.length < 1) throw new ShapeError(op, 'x must have a channel axis');
    const c = x.shape[x.shape.length - 1];
    const stats = (
      [
        ['mean', mean],
        ['variance', variance],
        ['gamma', gamma],
        ['beta', beta],
      ] as const
    ).map(([what, t]) => {
      const d = this.input(op, t, FLOAT, what);
      if (!shapesEqual(t.shape, [c])) throw new ShapeError(op, `${what} ${fmt(t.shape)} must be [${c}]`);
      return d;
    });
    if (typeof eps !== 'number' || !(eps >= 0))
      throw new ArgumentError(op, `eps ${eps} must be a non-negative number`);
    const n = checkOut(op, out, x.shape, 'float32');
    return this.run(op, (k) => {
      const d = k.out('float32', n);
      if (n > 0) {
        const [m, v, gm, bt] = stats.map((s) => k.f32(s));
        batchNormKernel(k.f32(xd), m, v, gm, bt, eps, k.f32(d));
      }
      return d;
    });
  }

  softmaxCrossEntropy(logits: KernelTensor, target: KernelTensor, out: OutSpec): DataId {
    const op = 'softmaxCrossEntropy';
    const ld = this.input(op, logits, FLOAT, 'logits');
    const td = this.input(op, target, FLOAT, 'target');
    if (logits.shape.length !== 2 || !shapesEqual(logits.shape, target.shape))
      throw new ShapeError(
        op,
        `logits ${fmt(logits.shape)} and target ${fmt(target.shape)} must both be [N, C]`,
      );
    const [rows, classes] = logits.shape;
    const n = checkOut(op, out, [rows], 'float32');
    return this.run(op, (k) => {
      const d = k.out('float32', n);
      softmaxCrossEntropyKernel(k.f32(ld), k.f32(td), rows, classes, k.f32(d));
      return d;
    });
  }

  lstmCell(gates: KernelTensor, c: KernelTensor, out: OutSpec): DataId {
    const op = 'lstmCell';
    const gd = this.input(op, gates, FLOAT, 'gates');
    const cd = this.input(op, c, FLOAT, 'c');
    const [batch, h4] = gates.shape;
    const hidden = h4 / 4;
    if (gates.shape.length !== 2 || !Number.isInteger(hidden) || !shapesEqual(c.shape, [batch, hidden]))
      throw new ShapeError(op, `gates ${fmt(gates.shape)} must be [B, 4H] and c ${fmt(c.shape)} [B, H]`);
    const n = checkOut(op, out, [batch, 2 * hidden], 'float32');
    return this.run(op, (k) => {
      const d = k.out('float32', n);
      lstmCellKernel(k.f32(gd), k.f32(cd), batch, hidden, k.f32(d));
      return d;
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
    if (kind !== 'sgd' && kind !== 'adam')
      throw new ArgumentError('optimizerUpdate', `unknown optimizer '${kind}'`);
    const pd = this.input(op, param, FLOAT, 'param');
    const gd = this.input(op, grad, FLOAT, 'grad');
    if (!shapesEqual(param.shape, grad.shape))
      throw new ShapeError(op, `param ${fmt(param.shape)} and grad ${fmt(grad.shape)} differ`);
    if (!hyper || typeof hyper.lr !== 'number' || !Number.isFinite(hyper.lr))
      throw new ArgumentError(op, 'hyper.lr must be a finite number');
    const expected = kind === 'sgd' ? ((hyper.momentum ?? 0) > 0 ? 1 : 0) : hyper.amsgrad ? 3 : 2;
    if (!Array.isArray(state) || state.length !== expected)
      throw new ArgumentError(op, `expected ${expected} state tensors, got ${state?.length}`);
    const sd = state.map((s, i) => {
      const d = this.input(op, s, FLOAT, `state ${i}`);
      if (!shapesEqual(s.shape, param.shape))
        throw new ShapeError(op, `state ${fmt(s.shape)} must match param ${fmt(param.shape)}`);
      return d;
    });
    return this.run(op, (k) => {
      const p = k.out('float32', pd.size);
      const outs = sd.map(() => k.out('float32', pd.size));
      const f32 = (d: WasmData) => k.f32(d);
      if (pd.size < LOOP_UPDATE_BELOW) {
        if (kind === 'sgd')
          sgdLoop(f32(pd), f32(gd), sd[0] ? f32(sd[0]) : null, hyper, f32(p), outs[0] ? f32(outs[0]) : null);
        else adamLoop(f32(pd), f32(gd), sd.map(f32), hyper, f32(p), outs.map(f32));
      } else if (kind === 'sgd') {
        sgdKernel(k, pd, gd, sd[0] ?? null, hyper, p, outs[0] ?? null);
      } else {
        adamKernel(k, pd, gd, sd, hyper, p, outs);
      }
      return { param: p, state: outs };
    });
  }
}

/** A gradient's `dy` must have the forward output's shape. */
function checkDy(op: string, dy: KernelTensor, expected: readonly number[], context = ''): void {
  if (!shapesEqual(dy.shape, expected)) {
    throw new ShapeError(op, `dy ${fmt(dy.shape)} should be ${fmt(expected)}${context}`);
  }
}

/** Indices must lie in [0, len): an out-of-range index would read or write outside the tensor. */
function checkIndices(op: string, idx: Int32Array, len: number): void {
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    if (v < 0 || v >= len)
      throw new BackendError(op, `index ${v} at position ${i} is out of range [0, ${len})`);
  }
}
