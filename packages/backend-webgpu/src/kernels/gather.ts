/**
 * gather and its adjoint scatterAdd, viewing `x` as [outer, axis, inner] and the indices as one flat
 * list. scatterAdd gathers too (each output element sums the updates whose index hits it): no float
 * atomics, which WGSL lacks, and a deterministic order.
 */
import type { DType, Shape } from '@dendrite/core';
import { grid, type Program, type UniformField } from '../runtime/program.js';
import { header, MAIN_1D, WORKGROUP, wgslType } from '../runtime/wgsl.js';

const UNIFORMS: UniformField[] = ['size', 'axisLen', 'inner', 'count'].map((name) => ({ name, kind: 'u32' }));

function dims(shape: Shape, axis: number) {
  return {
    axisLen: shape[axis],
    inner: shape.slice(axis + 1).reduce((p, v) => p * v, 1),
  };
}

export function gatherProgram(x: Shape, dtype: DType, axis: number, count: number, size: number): Program {
  const t = wgslType(dtype);
  return {
    key: `gather:${t}`,
    uniforms: UNIFORMS,
    values: { size, count, ...dims(x, axis) },
    workgroups: grid(size, WORKGROUP),
    source: () => `${header(
      [
        { name: 'X', type: t },
        { name: 'I', type: 'i32' },
        { name: 'Y', type: t, write: true },
      ],
      UNIFORMS,
    )}
${MAIN_1D}
  if (i >= u.size) { return; }
  let r = i % u.inner; let t = i / u.inner;
  let j = t % u.count; let o = t / u.count;
  Y[i] = X[(o * u.axisLen + u32(I[j])) * u.inner + r];
}`,
  };
}

export function scatterAddProgram(out: Shape, axis: number, count: number, size: number): Program {
  return {
    key: 'scatterAdd',
    uniforms: UNIFORMS,
    values: { size, count, ...dims(out, axis) },
    workgroups: grid(size, WORKGROUP),
    source: () => `${header(
      [
        { name: 'U', type: 'f32' },
        { name: 'I', type: 'i32' },
        { name: 'Y', type: 'f32', write: true },
      ],
      UNIFORMS,
    )}
${MAIN_1D}
  if (i >= u.size) { return; }
  let r = i % u.inner; let t = i / u.inner;
  let a = t % u.axisLen; let o = t / u.axisLen;
  var acc = 0.0;
  for (var j = 0u; j < u.count; j++) {
    if (u32(I[j]) == a) { acc += U[(o * u.count + j) * u.inner + r]; }
  }
  Y[i] = acc;
}`,
  };
}

/**
 * Index validation on the GPU (core cannot read the indices of an asynchronous backend): every index
 * outside `[0, n)` folds `slot << 20 | position` into `F[0]` with atomicMin, so the first read after
 * finds the first faulty call (its slot) and the first bad position, and throws as backend-cpu does.
 */
export function checkIndicesProgram(count: number, n: number, slot: number): Program {
  const uniforms: UniformField[] = ['count', 'n', 'slot'].map((name) => ({ name, kind: 'u32' }));
  return {
    key: 'checkIndices',
    uniforms,
    values: { count, n, slot },
    workgroups: grid(count, WORKGROUP),
    source: () => `${header(
      [
        { name: 'I', type: 'i32' },
        { name: 'F', type: 'u32', write: true, atomic: true },
      ],
      uniforms,
    )}
${MAIN_1D}
  if (i >= u.count) { return; }
  let v = I[i];
  if (v < 0 || u32(v) >= u.n) { atomicMin(&F[0], (u.slot << 20u) | min(i, 0xfffffu)); }
}`,
  };
}
