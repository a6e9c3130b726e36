/**
 * Axis permutation. The permutation is first simplified (size-1 axes dropped, input axes that stay
 * neighbours merged), so most transposes become 2-D or batched 2-D. Those run as a tiled loop in
 * TypeScript when they have more than 64 rows (1024×1024: 3.4 ms against 7.9 for the module's Transpose,
 * whose loop writes with a stride of a full row) and on the module's kernel otherwise (64×16384: 0.9
 * against 1.7 ms); other permutations up to rank 4 use the module's kernel, higher ranks a TypeScript
 * odometer (the module's N-d path allocates index vectors per element); the TypeScript loops and the
 * simplification are the kit's.
 */

import * as kit from '@dendrite/core/kit';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';

const DTYPE_CODE = { float32: 0, int32: 1, bool: 2 } as const;

export function transposeKernel(
  k: KernelScope,
  x: WasmData,
  shape: readonly number[],
  perm: readonly number[],
  out: WasmData,
): void {
  if (out.size === 0) return;
  const s = kit.simplifyPermutation(shape, perm);
  const identity = s.perm.every((p, i) => p === i);
  const tiled = kit.isMatrixTranspose(s.perm) && s.shape[s.shape.length - 2] > 64;
  if (!identity && !tiled && s.shape.length <= 4) {
    k.call(
      'Transpose',
      x.cid,
      k.ints(s.shape),
      s.shape.length,
      DTYPE_CODE[x.dtype],
      out.cid,
      k.ints(s.perm),
      s.perm.length,
    );
    return;
  }
  // Identity (a copy), tiled matrix transposes and ranks above 4: the kit's loops.
  kit.transposeSimplified(k.view(x), s.shape, s.perm, k.view(out));
}
