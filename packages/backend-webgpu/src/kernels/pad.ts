/** Constant padding: each output element reads the input or takes the attribute value. */
import type { DType, Shape } from '@dendrite/core';
import { at8, grid, type Program, type UniformField } from '../runtime/program.js';
import { header, MAIN_1D, WORKGROUP, wgslType } from '../runtime/wgsl.js';
import { rowMajorStrides } from './strided.js';

export function padProgram(
  x: Shape,
  pads: readonly (readonly [number, number])[],
  value: number,
  dtype: DType,
  out: Shape,
  size: number,
): Program {
  const t = wgslType(dtype);
  const rank = out.length;
  if (rank > 8) throw new Error('webgpu pad: rank over 8');
  const uniforms: UniformField[] = [
    { name: 'size', kind: 'u32' },
    { name: 'value', kind: t },
    { name: 'oshape', kind: 'vec8' },
    { name: 'xshape', kind: 'vec8' },
    { name: 'before', kind: 'vec8' },
    { name: 'xst', kind: 'vec8' },
  ];
  const v = dtype === 'bool' ? (value ? 1 : 0) : dtype === 'int32' ? Math.trunc(value) : value;
  const lines: string[] = [];
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(`{ let c = i32(rem % ${at8('oshape', d)}) - i32(${at8('before', d)}); rem = rem / ${at8('oshape', d)};
    if (c < 0 || c >= i32(${at8('xshape', d)})) { inside = false; } else { off += u32(c) * ${at8('xst', d)}; } }`);
  }
  return {
    key: `pad:${t}:r${rank}`,
    uniforms,
    values: {
      size,
      value: v,
      oshape: [...out],
      xshape: [...x],
      before: pads.map((p) => p[0]),
      xst: rowMajorStrides(x),
    },
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
  var rem = i; var off = 0u; var inside = true;
  ${lines.join('\n  ')}
  if (inside) { Y[i] = X[off]; } else { Y[i] = u.value; }
}`,
  };
}
