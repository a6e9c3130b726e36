/**
 * Constant padding: each output element reads the input or takes the attribute value. The axes are
 * collapsed first (size-1 axes without padding dropped, neighbouring unpadded axes merged), so any rank
 * fits the kernels' uniforms; the caller fills an output whose input is empty.
 */
import type { DType, Shape } from '@dendrite/core';
import { stridesOf } from '@dendrite/core/kit';
import { at8, grid, type Program, type UniformField } from '../runtime/program.js';
import { header, MAIN_1D, WORKGROUP, wgslType } from '../runtime/wgsl.js';
import { axesKind } from './strided.js';

interface PadAxes {
  readonly x: number[];
  readonly before: number[];
  readonly out: number[];
}

/** The fewest axes that pad alike: an axis without padding merges into an unpadded axis before it. */
export function collapsePadAxes(x: Shape, pads: readonly (readonly [number, number])[]): PadAxes {
  const c: PadAxes = { x: [], before: [], out: [] };
  let lastUnpadded = false;
  for (let d = 0; d < x.length; d++) {
    const [b, a] = pads[d];
    const unpadded = b === 0 && a === 0;
    if (unpadded && x[d] === 1) continue;
    if (unpadded && lastUnpadded) {
      const last = c.x.length - 1;
      c.x[last] *= x[d];
      c.out[last] *= x[d];
      continue;
    }
    c.x.push(x[d]);
    c.before.push(b);
    c.out.push(x[d] + b + a);
    lastUnpadded = unpadded;
  }
  if (c.x.length === 0) return { x: [1], before: [0], out: [1] };
  return c;
}

export function padProgram(
  xShape: Shape,
  pads: readonly (readonly [number, number])[],
  value: number,
  dtype: DType,
  size: number,
): Program {
  const t = wgslType(dtype);
  const { x, before, out } = collapsePadAxes(xShape, pads);
  const rank = out.length;
  const kind = axesKind(rank);
  const uniforms: UniformField[] = [
    { name: 'size', kind: 'u32' },
    { name: 'value', kind: t },
    { name: 'oshape', kind },
    { name: 'xshape', kind },
    { name: 'before', kind },
    { name: 'xst', kind },
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
      oshape: out,
      xshape: x,
      before,
      xst: stridesOf(x),
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
