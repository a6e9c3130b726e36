/**
 * Shape arithmetic on the host: the ops PyTorch's exporter emits around dynamic shapes (Shape, Gather,
 * Unsqueeze, Concat, Slice, Reshape, Cast, arithmetic…) evaluated on constants, so a static subgraph is
 * folded (at load time, or at the first call for shapes known only then) without launching a kernel.
 * Returns null when an op has no host form (the caller then runs it on tensors).
 */

import {
  checkDims,
  type HostTensor,
  hostSize,
  kindOfDataType,
  MAX_HOST_ELEMENTS,
} from '../proto/host-tensor.js';
import { DataType } from '../proto/onnx-proto.js';
import { type NodeInfo, unsupported } from './values.js';

type Attrs = Record<string, unknown>;

const make = (like: HostTensor, shape: readonly number[], data: ArrayLike<number>): HostTensor => ({
  kind: like.kind,
  shape: [...shape],
  data:
    like.kind === 'float'
      ? Float32Array.from(data)
      : like.kind === 'bool'
        ? Uint8Array.from(data)
        : Float64Array.from(data),
  dataType: like.dataType,
});

export function broadcastShape(node: NodeInfo, a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) unsupported(node, `shapes [${a}] and [${b}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

function broadcastIndex(shape: readonly number[], outShape: readonly number[], flat: number): number {
  let idx = 0;
  let stride = 1;
  let rem = flat;
  const off = outShape.length - shape.length;
  const coords = new Array<number>(outShape.length);
  for (let d = outShape.length - 1; d >= 0; d--) {
    coords[d] = rem % outShape[d];
    rem = Math.floor(rem / outShape[d]);
  }
  for (let d = shape.length - 1; d >= 0; d--) {
    const c = shape[d] === 1 ? 0 : coords[d + off];
    idx += c * stride;
    stride *= shape[d];
  }
  return idx;
}

function binary(
  node: NodeInfo,
  a: HostTensor,
  b: HostTensor,
  f: (x: number, y: number) => number,
  bool = false,
): HostTensor {
  const shape = broadcastShape(node, a.shape, b.shape);
  const n = checkDims(node.name, shape, MAX_HOST_ELEMENTS);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++)
    out[i] = f(a.data[broadcastIndex(a.shape, shape, i)], b.data[broadcastIndex(b.shape, shape, i)]);
  return bool
    ? { kind: 'bool', shape, data: Uint8Array.from(out), dataType: DataType.BOOL }
    : make(a, shape, out);
}

const norm = (a: number, r: number) => (a < 0 ? a + r : a);

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Elements of `x` at the index lists per axis (a general strided slice / gather on the host). */
function take(x: HostTensor, perAxis: number[][]): HostTensor {
  const shape = perAxis.map((l) => l.length);
  const n = checkDims('take', shape, MAX_HOST_ELEMENTS);
  const st = strides(x.shape);
  const out = new Array<number>(n);
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < n; o++) {
    let src = 0;
    for (let d = 0; d < shape.length; d++) src += perAxis[d][idx[d]] * st[d];
    out[o] = x.data[src];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return make(x, shape, out);
}

/** ONNX Slice's index list for one axis (clamped starts/ends, any step). */
export function sliceIndices(dim: number, start: number, end: number, step: number): number[] {
  const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
  let s = start < 0 ? start + dim : start;
  let e = end < 0 ? end + dim : end;
  const out: number[] = [];
  if (step > 0) {
    s = clamp(s, 0, dim);
    e = clamp(e, 0, dim);
    for (let i = s; i < e; i += step) out.push(i);
  } else {
    s = clamp(s, -1, dim - 1);
    e = clamp(e, -1, dim - 1);
    for (let i = s; i > e; i += step) out.push(i);
  }
  return out;
}

export function sliceAxes(
  node: NodeInfo,
  shape: readonly number[],
  starts: number[],
  ends: number[],
  axes: number[] | null,
  steps: number[] | null,
): number[][] {
  const per = shape.map((d) => Array.from({ length: d }, (_, i) => i));
  const ax = axes ?? starts.map((_, i) => i);
  ax.forEach((a0, i) => {
    const a = norm(a0, shape.length);
    if (a < 0 || a >= shape.length) unsupported(node, `axis ${a0} out of range for rank ${shape.length}`);
    const step = steps?.[i] ?? 1;
    if (step === 0) unsupported(node, 'a step of 0');
    per[a] = sliceIndices(shape[a], starts[i], ends[i], step);
  });
  return per;
}

const values = (t: HostTensor | null | undefined) => (t ? Array.from(t.data) : null);

export function reshapeTarget(
  node: NodeInfo,
  inShape: readonly number[],
  target: number[],
  allowzero: boolean,
): number[] {
  const out = target.map((d, i) => (d === 0 && !allowzero ? inShape[i] : d));
  const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const total = hostSize(inShape);
  const u = out.indexOf(-1);
  if (u >= 0) out[u] = known === 0 ? 0 : total / known;
  if (out.some((d) => !Number.isInteger(d) || d < 0) || hostSize(out) !== total) {
    unsupported(node, `cannot reshape [${inShape}] to [${target}]`);
  }
  return out;
}

function unsqueezeShape(node: NodeInfo, shape: readonly number[], axes: number[]): number[] {
  const r = shape.length + axes.length;
  const ax = axes.map((a) => norm(a, r)).sort((a, b) => a - b);
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < r; i++) out.push(ax.includes(i) ? 1 : shape[j++]);
  if (j !== shape.length) unsupported(node, `axes [${axes}] do not fit rank ${shape.length}`);
  return out;
}

export function squeezeShape(node: NodeInfo, shape: readonly number[], axes: number[] | null): number[] {
  const ax = axes ? axes.map((a) => norm(a, shape.length)) : shape.flatMap((d, i) => (d === 1 ? [i] : []));
  if (ax.some((a) => shape[a] !== 1)) unsupported(node, `cannot squeeze axes [${axes}] of [${shape}]`);
  return shape.filter((_, i) => !ax.includes(i));
}

export { unsqueezeShape };

/** Evaluates `op` on host constants, or returns null if it has no host form. */
export function evalHost(node: NodeInfo, inputs: (HostTensor | null)[], attrs: Attrs): HostTensor[] | null {
  const [a, b] = inputs;
  switch (node.opType) {
    case 'Identity':
      return [a!];
    case 'Add':
      return [binary(node, a!, b!, (x, y) => x + y)];
    case 'Sub':
      return [binary(node, a!, b!, (x, y) => x - y)];
    case 'Mul':
      return [binary(node, a!, b!, (x, y) => x * y)];
    case 'Div':
      return [binary(node, a!, b!, a!.kind === 'int' ? (x, y) => Math.trunc(x / y) : (x, y) => x / y)];
    case 'Equal':
      return [binary(node, a!, b!, (x, y) => (x === y ? 1 : 0), true)];
    case 'Less':
      return [binary(node, a!, b!, (x, y) => (x < y ? 1 : 0), true)];
    case 'Greater':
      return [binary(node, a!, b!, (x, y) => (x > y ? 1 : 0), true)];
    case 'Max':
      return [inputs.slice(1).reduce<HostTensor>((acc, t) => binary(node, acc, t!, Math.max), a!)];
    case 'Min':
      return [inputs.slice(1).reduce<HostTensor>((acc, t) => binary(node, acc, t!, Math.min), a!)];
    case 'Where': {
      const [c, x, y] = inputs as HostTensor[];
      const shape = broadcastShape(node, broadcastShape(node, c.shape, x.shape), y.shape);
      const n = checkDims(node.name, shape, MAX_HOST_ELEMENTS);
      const out = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        out[i] = c.data[broadcastIndex(c.shape, shape, i)]
          ? x.data[broadcastIndex(x.shape, shape, i)]
          : y.data[broadcastIndex(y.shape, shape, i)];
      }
      return [make(x, shape, out)];
    }
    case 'Cast': {
      const to = attrs.to as number;
      const kind = kindOfDataType(to);
      if (!kind) unsupported(node, `cast to data type ${to}`);
      const data = Array.from(a!.data, (v) =>
        kind === 'int' ? Math.trunc(v) : kind === 'bool' ? (v ? 1 : 0) : v,
      );
      return [
        {
          kind,
          shape: a!.shape,
          data:
            kind === 'float'
              ? Float32Array.from(data)
              : kind === 'bool'
                ? Uint8Array.from(data)
                : Float64Array.from(data),
          dataType: to,
        },
      ];
    }
    case 'Reshape':
      return [make(a!, reshapeTarget(node, a!.shape, values(b)!, attrs.allowzero === 1), a!.data)];
    case 'Flatten': {
      const axis = norm((attrs.axis as number | undefined) ?? 1, a!.shape.length);
      return [make(a!, [hostSize(a!.shape.slice(0, axis)), hostSize(a!.shape.slice(axis))], a!.data)];
    }
    case 'Unsqueeze': {
      const axes = values(b) ?? (attrs.axes as number[]);
      return [make(a!, unsqueezeShape(node, a!.shape, axes), a!.data)];
    }
    case 'Squeeze': {
      const axes = values(b) ?? (attrs.axes as number[] | undefined) ?? null;
      return [make(a!, squeezeShape(node, a!.shape, axes), a!.data)];
    }
    case 'Concat': {
      const parts = inputs.filter((t): t is HostTensor => !!t);
      const r = parts[0].shape.length;
      const axis = norm(attrs.axis as number, r);
      const shape = [...parts[0].shape];
      shape[axis] = parts.reduce((n, p) => n + p.shape[axis], 0);
      const outer = hostSize(shape.slice(0, axis));
      const out: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (const p of parts) {
          const chunk = hostSize(p.shape.slice(axis));
          for (let i = 0; i < chunk; i++) out.push(p.data[o * chunk + i]);
        }
      }
      return [make(parts[0], shape, out)];
    }
    case 'Gather': {
      const axis = norm((attrs.axis as number | undefined) ?? 0, a!.shape.length);
      const idx = Array.from(b!.data, (i) => (i < 0 ? i + a!.shape[axis] : i));
      if (idx.some((i) => i < 0 || i >= a!.shape[axis]))
        unsupported(node, `index out of range for axis of size ${a!.shape[axis]}`);
      const per = a!.shape.map((d) => Array.from({ length: d }, (_, i) => i));
      per[axis] = idx;
      const flat = take(a!, per);
      return [make(a!, [...a!.shape.slice(0, axis), ...b!.shape, ...a!.shape.slice(axis + 1)], flat.data)];
    }
    case 'Slice': {
      const [, , , ax, st] = inputs;
      const per = sliceAxes(node, a!.shape, values(inputs[1])!, values(inputs[2])!, values(ax), values(st));
      return [take(a!, per)];
    }
    case 'Shape':
      return null; // handled by the caller (needs the runtime value's shape)
    case 'ConstantOfShape': {
      const shape = values(a)!;
      const n = checkDims(node.name, shape, MAX_HOST_ELEMENTS);
      const v = attrs.value as HostTensor | undefined;
      const fill = v ? v.data[0] : 0;
      const like: HostTensor = v ?? {
        kind: 'float',
        shape: [],
        data: new Float32Array(1),
        dataType: DataType.FLOAT,
      };
      return [make(like, shape, new Array<number>(n).fill(fill))];
    }
    case 'Range': {
      const [s, l, d] = inputs.map((t) => t!.data[0]);
      const n = Math.max(Math.ceil((l - s) / d), 0);
      checkDims(node.name, [n], MAX_HOST_ELEMENTS);
      return [
        make(
          a!,
          [n],
          Array.from({ length: n }, (_, i) => s + i * d),
        ),
      ];
    }
    case 'Expand': {
      const shape = broadcastShape(node, a!.shape, values(b)!);
      const n = checkDims(node.name, shape, MAX_HOST_ELEMENTS);
      return [
        make(
          a!,
          shape,
          Array.from({ length: n }, (_, i) => a!.data[broadcastIndex(a!.shape, shape, i)]),
        ),
      ];
    }
    case 'Transpose': {
      const r = a!.shape.length;
      const perm = (attrs.perm as number[] | undefined) ?? Array.from({ length: r }, (_, i) => r - 1 - i);
      const per = a!.shape.map((d) => Array.from({ length: d }, (_, i) => i));
      // take() walks output axes in order; a transpose reads input axis perm[d] for output axis d.
      const shape = perm.map((p) => a!.shape[p]);
      const st = strides(a!.shape);
      const n = hostSize(shape);
      const out = new Array<number>(n);
      const idx = new Array<number>(r).fill(0);
      for (let o = 0; o < n; o++) {
        let src = 0;
        for (let d = 0; d < r; d++) src += idx[d] * st[perm[d]];
        out[o] = a!.data[src];
        for (let d = r - 1; d >= 0; d--) {
          if (++idx[d] < shape[d]) break;
          idx[d] = 0;
        }
      }
      void per;
      return [make(a!, shape, out)];
    }
    default:
      return null;
  }
}
