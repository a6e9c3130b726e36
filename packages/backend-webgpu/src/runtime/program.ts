/**
 * A compute program: WGSL text for a kernel variant, the uniforms one dispatch of it reads, and how many
 * workgroups the dispatch launches. The key names everything the text depends on (op, dtypes, rank,
 * transposes, tile shape): shapes and sizes travel as uniforms, so one pipeline serves every shape.
 */
import { BackendError } from '@dendrite/core';

export type ScalarKind = 'u32' | 'i32' | 'f32';
/** `vec8` / `vec32`: eight or thirty-two u32 (shapes, strides) stored as `array<vec4<u32>, 2>` or `8>`. */
export type VecKind = 'vec8' | 'vec32';
export type UniformKind = ScalarKind | VecKind;

/** The u32 words of a vector kind. */
const WORDS: Readonly<Record<VecKind, number>> = { vec8: 8, vec32: 32 };
const isVec = (k: UniformKind): k is VecKind => k === 'vec8' || k === 'vec32';

export interface UniformField {
  readonly name: string;
  readonly kind: UniformKind;
}

export interface Program {
  /** Pipeline cache key: everything `source()` depends on. */
  readonly key: string;
  /** The WGSL of the variant; called once per key. Bindings: storage inputs, outputs, then uniforms. */
  readonly source: () => string;
  readonly uniforms: readonly UniformField[];
  readonly values: Readonly<Record<string, number | readonly number[]>>;
  readonly workgroups: readonly [number, number, number];
}

/** Vector fields first (16-byte aligned), then scalars, so the struct has no padding rules to follow. */
export function orderedFields(fields: readonly UniformField[]): UniformField[] {
  return [...fields.filter((f) => isVec(f.kind)), ...fields.filter((f) => !isVec(f.kind))];
}

export function uniformStruct(fields: readonly UniformField[]): string {
  const body = orderedFields(fields)
    .map((f) => `  ${f.name}: ${isVec(f.kind) ? `array<vec4<u32>, ${WORDS[f.kind] / 4}>` : f.kind},`)
    .join('\n');
  return `struct Uniforms {\n${body || '  _unused: u32,'}\n};`;
}

/** Bytes the uniforms of `fields` take (a multiple of 16). */
export function uniformBytes(fields: readonly UniformField[]): number {
  let n = 0;
  for (const f of fields) n += isVec(f.kind) ? 4 * WORDS[f.kind] : 4;
  return Math.max(16, Math.ceil(n / 16) * 16);
}

/** Writes `values` into `view` at `offset` in the order `uniformStruct` declares them. */
export function writeUniforms(
  view: DataView,
  offset: number,
  fields: readonly UniformField[],
  values: Readonly<Record<string, number | readonly number[]>>,
): void {
  let at = offset;
  for (const f of orderedFields(fields)) {
    const v = values[f.name];
    if (v === undefined) throw new BackendError('webgpu', `the kernel's uniform '${f.name}' has no value`);
    if (isVec(f.kind)) {
      const arr = v as readonly number[];
      const words = WORDS[f.kind];
      if (arr.length > words) {
        throw new BackendError(
          'webgpu',
          `the kernel's uniform '${f.name}' holds ${words} axes, not ${arr.length}`,
        );
      }
      for (let i = 0; i < words; i++) view.setUint32(at + 4 * i, arr[i] ?? 0, true);
      at += 4 * words;
    } else {
      const n = v as number;
      if (f.kind === 'f32') view.setFloat32(at, n, true);
      else if (f.kind === 'i32') view.setInt32(at, n, true);
      else view.setUint32(at, n, true);
      at += 4;
    }
  }
}

/** `u.name[i]` of a vector uniform, as WGSL. */
export function at8(name: string, i: number): string {
  return `u.${name}[${i >> 2}].${'xyzw'[i & 3]}`;
}

/** Flat workgroup counts for `threads` threads in groups of `size`, spread over x and y (65535 max each). */
export function grid(threads: number, size: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(threads / size));
  if (groups <= 65535) return [groups, 1, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y, 1];
}
