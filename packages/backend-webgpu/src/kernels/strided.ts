/**
 * Strided addressing shared by the elementwise and layout kernels: each operand's strides over the
 * output's index space (0 on broadcast axes), with adjacent axes merged wherever every operand walks them
 * contiguously, so `[64, 32, 10] + [10]` runs as a rank-2 job and same-shape operands as rank 1.
 */
import type { Shape } from '@dendrite/core';
import { at8 } from '../runtime/program.js';

export { broadcastStrides } from '@dendrite/core/kit';

export const MAX_RANK = 8;

export function rowMajorStrides(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export interface Collapsed {
  readonly shape: number[];
  readonly strides: number[][];
}

/** Drops unit axes and merges neighbours that every operand walks contiguously. */
export function collapse(out: Shape, strides: readonly (readonly number[])[]): Collapsed {
  const shape: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let d = 0; d < out.length; d++) {
    if (out[d] === 1) continue;
    const last = shape.length - 1;
    if (last >= 0 && strides.every((s, k) => st[k][last] === s[d] * out[d])) {
      shape[last] *= out[d];
      strides.forEach((s, k) => {
        st[k][last] = s[d];
      });
    } else {
      shape.push(out[d]);
      strides.forEach((s, k) => {
        st[k].push(s[d]);
      });
    }
  }
  if (shape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  if (shape.length > MAX_RANK)
    throw new Error(`webgpu: rank ${shape.length} after collapsing is over ${MAX_RANK}`);
  return { shape, strides: st };
}

/**
 * WGSL computing `off_<name>` for every operand from the flat index `idx`, unrolled for `rank`.
 * Uniforms: `shape` and one vec8 `st_<name>` per operand.
 */
export function offsetsCode(
  idx: string,
  rank: number,
  names: readonly string[],
  shapeName = 'shape',
): string {
  const lines = names.map((n) => `var off_${n} = 0u;`);
  if (rank === 1) {
    for (const n of names) lines.push(`off_${n} = ${idx} * ${at8(`st_${n}`, 0)};`);
    return lines.join('\n  ');
  }
  lines.push(`var rem_${shapeName} = ${idx};`);
  for (let d = rank - 1; d >= 0; d--) {
    const dim = at8(shapeName, d);
    lines.push(
      d > 0
        ? `{ let c = rem_${shapeName} % ${dim}; rem_${shapeName} = rem_${shapeName} / ${dim};`
        : `{ let c = rem_${shapeName};`,
    );
    for (const n of names) lines.push(`  off_${n} += c * ${at8(`st_${n}`, d)};`);
    lines.push('}');
  }
  return lines.join('\n  ');
}
