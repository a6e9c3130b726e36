/** Runs one op spec on the current backend: value against the float64 reference, gradients, leaks. */
import { fmtShape } from '../errors.js';
import { dispose, tidy } from '../memory.js';
import { tensor } from '../ops/creation.js';
import { Rng } from '../random.js';
import { compareValues } from './compare.js';
import { checkGradients } from './gradcheck.js';
import { type HostTensor, type OpSpec, SPEC_TOLERANCE } from './op-specs.js';
import { runCheckedCase } from './run-checked-case.js';
import type { CaseResult } from './schema.js';

export async function runSpecCase(spec: OpSpec): Promise<CaseResult> {
  const rng = new Rng(4242);
  const u = () => rng.uniformValues(1)[0] * 2 - 1;
  // The backend sees float32 (or int32) values: the reference is computed on exactly those.
  const inputs: HostTensor[] = spec.inputs(u).map((h) => ({
    ...h,
    data: h.dtype === 'int32' ? h.data.map(Math.trunc) : h.data.map(Math.fround),
  }));
  const expected = spec.reference(...inputs);
  const dtype = expected.dtype ?? 'float32';
  const tol = spec.tolerance ?? SPEC_TOLERANCE[dtype];
  return runCheckedCase({ source: 'spec', name: spec.name, op: spec.op }, async (errors) => {
    await tidy(async () => {
      const xs = inputs.map((h) =>
        tensor(h.dtype === 'int32' ? Int32Array.from(h.data) : Float32Array.from(h.data), h.shape),
      );
      const y = spec.run(...xs);
      if (y.shape.length !== expected.shape.length || y.shape.some((d, i) => d !== expected.shape[i])) {
        throw new Error(`shape ${fmtShape(y.shape)}, expected ${fmtShape(expected.shape)}`);
      }
      if (y.dtype !== dtype) throw new Error(`dtype ${y.dtype}, expected ${dtype}`);
      const cmp = compareValues(Array.from(await y.data()), expected.data, tol);
      errors.maxAbsErr = cmp.maxAbsErr;
      errors.maxRelErr = cmp.maxRelErr;
      if (!cmp.ok) {
        const w = cmp.worst;
        throw new Error(
          `value: max abs err ${cmp.maxAbsErr.toExponential(2)}${w ? ` (element ${w.index}: got ${w.actual}, expected ${w.expected})` : ''}`,
        );
      }
      if (spec.grad) {
        const g = await checkGradients(spec.run, xs);
        if (!g.ok) throw new Error(`gradient (finite differences): ${g.reason}`);
      }
      dispose(xs);
    });
  });
}
