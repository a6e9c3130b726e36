/**
 * Reductions. The kept axes and the reduced axes are each collapsed; an output whose reduction is long
 * gets a workgroup that reduces it as a tree in workgroup memory (each thread first folds a strided
 * share), short reductions run one thread per output. argmax/argmin run one thread per output.
 */
import type { ArgReduceOp, DType, ReduceOp, Shape } from '@dendrite/core';
import { collapseStrides, product, splitAt, stridesOf } from '@dendrite/core/kit';
import { grid, type Program, type UniformField } from '../runtime/program.js';
import { header, MAIN_1D, WORKGROUP, wgslType } from '../runtime/wgsl.js';
import { axesKind, offsetsCode } from './strided.js';

const TREE = 256;

function identity(op: ReduceOp, t: string): string {
  if (op === 'sum') return t === 'f32' ? '0.0' : '0';
  if (op === 'prod') return t === 'f32' ? '1.0' : '1';
  if (t === 'f32') return op === 'max' ? 'neg_inf()' : 'pos_inf()';
  return op === 'max' ? 'i32(-2147483648)' : '2147483647';
}

function combine(op: ReduceOp, acc: string, v: string): string {
  if (op === 'sum') return `${acc} + ${v}`;
  if (op === 'prod') return `${acc} * ${v}`;
  return op === 'max' ? `max(${acc}, ${v})` : `min(${acc}, ${v})`;
}

export function reduceProgram(op: ReduceOp, x: Shape, axes: readonly number[], dtype: DType): Program {
  const t = wgslType(dtype);
  const st = stridesOf(x);
  const keptAxes = x.map((_, i) => i).filter((i) => !axes.includes(i));
  // The kept and the reduced axes each walk x in place (no transpose), collapsed separately.
  const keptShape = keptAxes.map((i) => x[i]);
  const redShape = axes.map((i) => x[i]);
  const kept = collapseStrides(keptShape, [keptAxes.map((i) => st[i])]);
  // An empty reduction walks one axis of size 0, whatever the rank of the axes it spans.
  const red =
    product(redShape) === 0
      ? { shape: [0], strides: [[0]] }
      : collapseStrides(redShape, [axes.map((i) => st[i])]);
  const outputs = product(keptShape);
  const length = product(redShape);
  const tree = length >= 128 && outputs <= 65535 * 16;
  const uniforms: UniformField[] = [
    { name: 'outputs', kind: 'u32' },
    { name: 'length', kind: 'u32' },
    { name: 'kshape', kind: axesKind(kept.shape.length) },
    { name: 'st_k', kind: axesKind(kept.shape.length) },
    { name: 'rshape', kind: axesKind(red.shape.length) },
    { name: 'st_r', kind: axesKind(red.shape.length) },
  ];
  const values = {
    outputs,
    length,
    kshape: kept.shape,
    st_k: kept.strides[0],
    rshape: red.shape,
    st_r: red.strides[0],
  };
  const [kr, rr] = [kept.shape.length, red.shape.length];
  const bindings = [
    { name: 'X', type: t },
    { name: 'Y', type: t, write: true },
  ] as const;
  // NaN propagates through max/min (PyTorch): once the accumulator is NaN it stays.
  const fold = (acc: string, v: string) =>
    op === 'max' || op === 'min'
      ? t === 'f32'
        ? `select(select(${acc}, ${v}, ${v} ${op === 'max' ? '>' : '<'} ${acc} || is_nan(${v})), ${acc}, is_nan(${acc}))`
        : combine(op, acc, v)
      : combine(op, acc, v);
  if (!tree) {
    return {
      key: `reduce:${op}:${t}:serial:k${kr}:r${rr}`,
      uniforms,
      values,
      workgroups: grid(outputs, WORKGROUP),
      source: () => `${header(bindings, uniforms)}
${MAIN_1D}
  if (i >= u.outputs) { return; }
  ${offsetsCode('i', kr, ['k'], 'kshape')}
  var acc: ${t} = ${identity(op, t)};
  for (var r = 0u; r < u.length; r++) {
    ${offsetsCode('r', rr, ['r'], 'rshape')}
    let v = X[off_k + off_r];
    acc = ${fold('acc', 'v')};
  }
  Y[i] = acc;
}`,
    };
  }
  return {
    key: `reduce:${op}:${t}:tree:k${kr}:r${rr}`,
    uniforms,
    values,
    workgroups: grid(outputs, 1),
    source: () => `${header(bindings, uniforms)}
var<workgroup> part: array<${t}, ${TREE}>;
@compute @workgroup_size(${TREE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32, @builtin(num_workgroups) nwg: vec3<u32>) {
  let o = wid.x + wid.y * nwg.x;
  let live = o < u.outputs;
  var acc: ${t} = ${identity(op, t)};
  if (live) {
    ${offsetsCode('o', kr, ['k'], 'kshape')}
    for (var r = lid; r < u.length; r += ${TREE}u) {
      ${offsetsCode('r', rr, ['r'], 'rshape')}
      let v = X[off_k + off_r];
      acc = ${fold('acc', 'v')};
    }
  }
  part[lid] = acc;
  workgroupBarrier();
  for (var s = ${TREE / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      let a = part[lid];
      let v = part[lid + s];
      part[lid] = ${fold('a', 'v')};
    }
    workgroupBarrier();
  }
  if (live && lid == 0u) { Y[o] = part[0]; }
}`,
  };
}

export function argReduceProgram(op: ArgReduceOp, x: Shape, axis: number, dtype: DType): Program {
  const t = wgslType(dtype);
  const [outer, , inner] = splitAt(x, axis);
  const uniforms: UniformField[] = [
    { name: 'outputs', kind: 'u32' },
    { name: 'len', kind: 'u32' },
    { name: 'inner', kind: 'u32' },
  ];
  const cmp = op === 'argmax' ? '>' : '<';
  const nanWins = t === 'f32' ? ' || is_nan(v)' : '';
  const stop = t === 'f32' ? 'if (is_nan(best)) { break; }' : '';
  return {
    key: `argReduce:${op}:${t}`,
    uniforms,
    values: { outputs: outer * inner, len: x[axis], inner },
    workgroups: grid(outer * inner, WORKGROUP),
    source: () => `${header(
      [
        { name: 'X', type: t },
        { name: 'Y', type: 'i32', write: true },
      ],
      uniforms,
    )}
${MAIN_1D}
  if (i >= u.outputs) { return; }
  let o = i / u.inner;
  let n = i % u.inner;
  let base = o * u.len * u.inner + n;
  var best = X[base];
  var at = 0u;
  for (var k = 1u; k < u.len; k++) {
    ${stop}
    let v = X[base + k * u.inner];
    if (v ${cmp} best${nanWins}) { best = v; at = k; }
  }
  Y[i] = i32(at);
}`,
  };
}
