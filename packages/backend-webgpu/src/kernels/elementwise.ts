/**
 * Elementwise programs: unary, binary (broadcast, collapsed), binary with a number attribute, where,
 * cast, fill and the strided copy that serves expand, transpose, slice and concat. One thread per
 * output element; shapes and strides are uniforms, so one pipeline serves every shape of a rank.
 */
import type { BinaryOp, DType, Shape, UnaryOp } from '@dendrite/core';
import { broadcastStrides, collapseStrides, product } from '@dendrite/core/kit';
import { grid, type Program, type UniformField } from '../runtime/program.js';
import { header, MAIN_1D, WORKGROUP, wgslType } from '../runtime/wgsl.js';
import { binaryExpr, MATH_FNS, unaryExpr } from './math.js';
import { axesKind, offsetsCode } from './strided.js';

const SIZE: UniformField = { name: 'size', kind: 'u32' };

export function unaryProgram(op: UnaryOp, dtype: DType, size: number): Program {
  const t = wgslType(dtype);
  const uniforms = [SIZE];
  return {
    key: `unary:${op}:${t}`,
    uniforms,
    values: { size },
    workgroups: grid(size, WORKGROUP),
    source: () => `${header(
      [
        { name: 'X', type: t },
        { name: 'Y', type: t, write: true },
      ],
      uniforms,
    )}
${MATH_FNS}
${MAIN_1D}
  if (i >= u.size) { return; }
  let x = X[i];
  Y[i] = ${t === 'f32' ? `select(${unaryExpr(op, t)}, x, is_nan(x))` : unaryExpr(op, t)};
}`,
  };
}

/** Programs over operands broadcast to `out`: the collapsed shape, strides and the uniform fields. */
function broadcastJob(out: Shape, shapes: readonly Shape[], names: readonly string[]) {
  const c = collapseStrides(
    out,
    shapes.map((s) => broadcastStrides(s, out)),
  );
  const kind = axesKind(c.shape.length);
  const uniforms: UniformField[] = [
    SIZE,
    { name: 'shape', kind },
    ...names.map((n) => ({ name: `st_${n}`, kind })),
  ];
  const values: Record<string, number | number[]> = { shape: c.shape };
  names.forEach((n, k) => {
    values[`st_${n}`] = c.strides[k];
  });
  return { rank: c.shape.length, uniforms, values };
}

export function binaryProgram(
  op: BinaryOp,
  a: Shape,
  b: Shape,
  dtype: DType,
  out: Shape,
  size: number,
): Program {
  const t = wgslType(dtype);
  const ot = op.match(/^(equal|notEqual|less|lessEqual|greater|greaterEqual|logical)/) ? 'u32' : t;
  const job = broadcastJob(out, [a, b], ['a', 'b']);
  return {
    key: `binary:${op}:${t}:r${job.rank}`,
    uniforms: job.uniforms,
    values: { ...job.values, size },
    workgroups: grid(size, WORKGROUP),
    source: () => `${header(
      [
        { name: 'A', type: t },
        { name: 'B', type: t },
        { name: 'Y', type: ot, write: true },
      ],
      job.uniforms,
    )}
${MATH_FNS}
${MAIN_1D}
  if (i >= u.size) { return; }
  ${offsetsCode('i', job.rank, ['a', 'b'])}
  let a = A[off_a];
  let b = B[off_b];
  Y[i] = ${binaryExpr(op, t)};
}`,
  };
}

export function binaryScalarProgram(
  op: BinaryOp,
  dtype: DType,
  value: number,
  scalarFirst: boolean,
  size: number,
): Program {
  const t = wgslType(dtype);
  const ot = op.match(/^(equal|notEqual|less|lessEqual|greater|greaterEqual|logical)/) ? 'u32' : t;
  const uniforms: UniformField[] = [SIZE, { name: 'value', kind: t }];
  return {
    key: `binaryScalar:${op}:${t}:${scalarFirst}`,
    uniforms,
    values: { size, value },
    workgroups: grid(size, WORKGROUP),
    source: () => `${header(
      [
        { name: 'X', type: t },
        { name: 'Y', type: ot, write: true },
      ],
      uniforms,
    )}
${MATH_FNS}
${MAIN_1D}
  if (i >= u.size) { return; }
  let ${scalarFirst ? 'b' : 'a'} = X[i];
  let ${scalarFirst ? 'a' : 'b'} = u.value;
  Y[i] = ${binaryExpr(op, t)};
}`,
  };
}

export function whereProgram(c: Shape, a: Shape, b: Shape, dtype: DType, out: Shape, size: number): Program {
  const t = wgslType(dtype);
  const job = broadcastJob(out, [c, a, b], ['c', 'a', 'b']);
  return {
    key: `where:${t}:r${job.rank}`,
    uniforms: job.uniforms,
    values: { ...job.values, size },
    workgroups: grid(size, WORKGROUP),
    source: () => `${header(
      [
        { name: 'C', type: 'u32' },
        { name: 'A', type: t },
        { name: 'B', type: t },
        { name: 'Y', type: t, write: true },
      ],
      job.uniforms,
    )}
${MAIN_1D}
  if (i >= u.size) { return; }
  ${offsetsCode('i', job.rank, ['c', 'a', 'b'])}
  Y[i] = select(B[off_b], A[off_a], C[off_c] != 0u);
}`,
  };
}

export function castProgram(from: DType, to: DType, size: number): Program {
  const [ft, tt] = [wgslType(from), wgslType(to)];
  let expr: string;
  if (to === 'bool')
    expr = ft === 'f32' ? 'select(1u, 0u, is_zero(x))' : `select(0u, 1u, x != ${ft === 'i32' ? '0' : '0u'})`;
  else if (from === to) expr = 'x';
  else if (to === 'int32' && from === 'float32')
    // Truncation toward zero; NaN and out-of-range values give 0, as JS's Int32Array stores them.
    expr = 'select(i32(x), 0, is_nan(x) || abs(x) >= 2147483648.0)';
  else expr = `${tt}(x)`;
  const uniforms = [SIZE];
  return {
    key: `cast:${ft}:${tt}`,
    uniforms,
    values: { size },
    workgroups: grid(size, WORKGROUP),
    source: () => `${header(
      [
        { name: 'X', type: ft },
        { name: 'Y', type: tt, write: true },
      ],
      uniforms,
    )}
${MAIN_1D}
  if (i >= u.size) { return; }
  let x = X[i];
  Y[i] = ${expr};
}`,
  };
}

export function fillProgram(dtype: DType, value: number, size: number): Program {
  const t = wgslType(dtype);
  const uniforms: UniformField[] = [SIZE, { name: 'value', kind: t }];
  const v = dtype === 'bool' ? (value ? 1 : 0) : dtype === 'int32' ? Math.trunc(value) : value;
  return {
    key: `fill:${t}`,
    uniforms,
    values: { size, value: v },
    workgroups: grid(size, WORKGROUP),
    source: () => `${header([{ name: 'Y', type: t, write: true }], uniforms)}
${MAIN_1D}
  if (i >= u.size) { return; }
  Y[i] = u.value;
}`,
  };
}

/**
 * `Y[outBase + Σ idx·outStride] = X[inBase + Σ idx·inStride]` over a box of `shape`: expand (0 strides),
 * transpose (permuted strides), slice (an input base) and each part of a concat (an output base).
 */
export function copyProgram(
  dtype: DType,
  shape: Shape,
  inStrides: readonly number[],
  outStrides: readonly number[],
  inBase: number,
  outBase: number,
): Program {
  const t = wgslType(dtype);
  const c = collapseStrides(shape, [inStrides, outStrides]);
  const size = product(c.shape);
  const rank = c.shape.length;
  const kind = axesKind(rank);
  const uniforms: UniformField[] = [
    SIZE,
    { name: 'inBase', kind: 'u32' },
    { name: 'outBase', kind: 'u32' },
    { name: 'shape', kind },
    { name: 'st_x', kind },
    { name: 'st_y', kind },
  ];
  return {
    key: `copy:${t}:r${rank}`,
    uniforms,
    values: { size, inBase, outBase, shape: c.shape, st_x: c.strides[0], st_y: c.strides[1] },
    workgroups: grid(size, WORKGROUP),
    source: () => `${header(
      [
        { name: 'X', type: t },
        { name: 'Y', type: t, write: true },
      ],
      uniforms,
    )}
${MAIN_1D}
  if (i >= u.size) { return; }
  ${offsetsCode('i', rank, ['x', 'y'])}
  Y[u.outBase + off_y] = X[u.inBase + off_x];
}`,
  };
}
