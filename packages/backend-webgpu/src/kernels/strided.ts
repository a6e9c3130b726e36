/**
 * Strided addressing in WGSL, shared by the elementwise and layout kernels. The geometry (each operand's
 * strides over the output's index space, collapsed to the fewest axes) is the kit's `collapseStrides`;
 * this file only turns a collapsed shape into shader code. Shapes and strides travel as `vec8` uniforms,
 * or `vec32` past eight axes. Collapsing drops size-1 axes, so a collapsed shape of rank r has at least
 * 2^r elements: no tensor that fits a storage binding (at most 2^32 bytes) has more than 30 axes left.
 */
import { BackendError } from '@dendrite/core';
import { at8, type VecKind } from '../runtime/program.js';

/** The most axes a collapsed shape may keep: a `vec32` uniform holds thirty-two. */
export const MAX_RANK = 32;

/** The uniform kind that holds `rank` axes. */
export function axesKind(rank: number): VecKind {
  return rank <= 8 ? 'vec8' : 'vec32';
}

/**
 * WGSL computing `off_<name>` for every operand from the flat index `idx`, unrolled for `rank`.
 * Uniforms: `shape` and one `st_<name>` per operand, of `axesKind(rank)`.
 */
export function offsetsCode(
  idx: string,
  rank: number,
  names: readonly string[],
  shapeName = 'shape',
): string {
  if (rank > MAX_RANK) {
    // Unreachable for a tensor that has storage (see above); refused rather than miscompiled.
    throw new BackendError(
      'webgpu',
      `a collapsed shape of rank ${rank} is over the kernels' ${MAX_RANK} axes`,
    );
  }
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
