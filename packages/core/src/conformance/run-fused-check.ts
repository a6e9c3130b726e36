/** Runs one fused-kernel check on the current backend: override against core's default, and the leak check. */
import type { Backend } from '../backend.js';
import { dispose, memory, tidy } from '../memory.js';
import { getBackend } from '../registry.js';
import { compareValues } from './compare.js';
import type { FusedCheck } from './fused-checks.js';
import { leakSince } from './leak-since.js';
import type { CaseResult, Tolerance } from './schema.js';

/** Overrides may fuse arithmetic differently (one rounding instead of two, an FMA): not more than this. */
export const FUSED_TOLERANCE: Tolerance = { rtol: 1e-4, atol: 1e-5 };

/** Runs `fn` with `kernel` hidden from `backend`, so core takes its default path. */
async function withoutKernel<T>(backend: Backend, kernel: string, fn: () => Promise<T>): Promise<T> {
  const target = backend as unknown as Record<string, unknown>;
  const own = Object.getOwnPropertyDescriptor(target, kernel);
  Object.defineProperty(target, kernel, { value: undefined, configurable: true, writable: true });
  try {
    return await fn();
  } finally {
    if (own) Object.defineProperty(target, kernel, own);
    else delete target[kernel];
  }
}

async function outputs(
  check: FusedCheck,
): Promise<{ shape: readonly number[]; dtype: string; values: number[] }[]> {
  return tidy(async () => {
    const ys = check.run();
    const read = await Promise.all(
      ys.map(async (y) => ({ shape: y.shape, dtype: y.dtype, values: Array.from(await y.data()) })),
    );
    dispose(ys);
    return read;
  });
}

export async function runFusedCheck(check: FusedCheck): Promise<CaseResult> {
  const base = { source: 'fused', name: check.name, op: check.kernel };
  const backend = getBackend();
  if (typeof (backend as unknown as Record<string, unknown>)[check.kernel] !== 'function') {
    return {
      ...base,
      status: 'unsupported',
      maxAbsErr: 0,
      maxRelErr: 0,
      reason: `the backend does not override ${check.kernel}`,
    };
  }
  const before = memory();
  let maxAbsErr = 0;
  let maxRelErr = 0;
  let failure: string | undefined;
  try {
    const fused = await outputs(check);
    const fallback = await withoutKernel(backend, check.kernel, () => outputs(check));
    for (let i = 0; i < fused.length && !failure; i++) {
      const [a, e] = [fused[i], fallback[i]];
      if (a.dtype !== e.dtype || a.shape.join() !== e.shape.join()) {
        failure = `output ${i}: ${a.dtype}[${a.shape}] from the override, ${e.dtype}[${e.shape}] from the default`;
        break;
      }
      const tol = a.dtype === 'float32' ? FUSED_TOLERANCE : { rtol: 0, atol: 0 };
      const cmp = compareValues(a.values, e.values, tol);
      maxAbsErr = Math.max(maxAbsErr, cmp.maxAbsErr);
      maxRelErr = Math.max(maxRelErr, cmp.maxRelErr);
      if (!cmp.ok && cmp.worst) {
        failure = `output ${i} [${a.shape}] element ${cmp.worst.index}: override ${cmp.worst.actual}, core's default ${cmp.worst.expected}`;
      } else if (!cmp.ok)
        failure = `output ${i}: ${a.values.length} values from the override, ${e.values.length} from the default`;
    }
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
  }
  if (!failure) failure = leakSince(before, 'the check');
  return failure
    ? { ...base, status: 'fail', maxAbsErr, maxRelErr, reason: failure }
    : { ...base, status: 'pass', maxAbsErr, maxRelErr };
}
