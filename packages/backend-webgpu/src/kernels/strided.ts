/**
 * Strided addressing in WGSL, shared by the elementwise and layout kernels. The geometry (each operand's
 * strides over the output's index space, collapsed to the fewest axes) is the kit's `collapseStrides`;
 * this file only turns a collapsed shape into shader code. Shapes and strides travel as `vec8` uniforms,
 * hence the rank limit.
 */
import { at8 } from '../runtime/program.js';

/** The most axes a collapsed shape may keep: a `vec8` uniform holds eight. */
export const MAX_RANK = 8;

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
  if (rank > MAX_RANK) throw new Error(`webgpu: rank ${rank} after collapsing is over ${MAX_RANK}`);
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
