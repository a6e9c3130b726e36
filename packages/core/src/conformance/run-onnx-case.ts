/**
 * Runs one ONNX node test on the current backend: converts its tensors (int64 read as int32 when every
 * value fits; dtypes Dendrite lacks make the case `unsupported: dtype X`), runs the mapped op, compares
 * every listed output with the ONNX runner's own tolerance, then checks for leaks.
 */
import type { DType } from '../dtype.js';
import { fmtShape } from '../errors.js';
import { memory, tidy } from '../memory.js';
import { tensor } from '../ops/creation.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { compareValues } from './compare.js';
import { leakSince } from './leak-since.js';
import { ONNX_OPS, OnnxUnsupported } from './onnx-ops.js';
import type { CaseResult, OnnxCase, OnnxTensorJson, Tolerance } from './schema.js';

/** `onnx/backend/test/runner`: numpy.testing.assert_allclose(rtol=1e-3, atol=1e-7). */
export const ONNX_TOLERANCE: Tolerance = { rtol: 1e-3, atol: 1e-7 };

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The Dendrite dtype an ONNX tensor reads as, or why it cannot be read. */
export function onnxDType(t: OnnxTensorJson): DType | { unsupported: string } {
  switch (t.dtype) {
    case 'float32':
      return 'float32';
    case 'int32':
      return 'int32';
    case 'bool':
      return 'bool';
    case 'int64':
      return t.data.every((v) => Number(v) >= INT32_MIN && Number(v) <= INT32_MAX)
        ? 'int32'
        : { unsupported: 'dtype int64 (values beyond int32)' };
    default:
      return { unsupported: `dtype ${t.dtype}` };
  }
}

const toNumber = (v: number | boolean | string): number =>
  typeof v === 'string' ? (v === 'NaN' ? Number.NaN : v === 'Infinity' ? Infinity : -Infinity) : Number(v);

export async function runOnnxCase(c: OnnxCase, source: string): Promise<CaseResult> {
  const base = { source, name: c.name, op: c.op, maxAbsErr: 0, maxRelErr: 0 };
  for (const t of [...c.inputs, ...c.outputs]) {
    if (!t) continue;
    const dt = onnxDType(t);
    if (typeof dt !== 'string') return { ...base, status: 'unsupported', reason: dt.unsupported };
  }
  const adapter = ONNX_OPS[c.op];
  if (!adapter) return { ...base, status: 'unsupported', reason: `op '${c.op}' has no Dendrite mapping` };
  let maxAbsErr = 0;
  let maxRelErr = 0;
  const before = memory();
  let failure: string | undefined;
  let unsupported: string | undefined;
  try {
    await tidy(async () => {
      const inputs = c.inputs.map((t) =>
        t ? tensor(t.data.map(toNumber), t.shape, onnxDType(t) as DType) : null,
      );
      const outputs = adapter(inputs, c.attrs, c.inputs, c.outputs.length);
      for (let i = 0; i < c.outputs.length; i++) {
        const expected = c.outputs[i];
        if (!expected) continue;
        const actual: Tensor | null | undefined = outputs[i];
        const what = `output ${i} '${expected.name}'`;
        if (!actual) throw new Error(`${what}: not produced`);
        if (!shapesEqual(actual.shape, expected.shape)) {
          throw new Error(`${what}: shape ${fmtShape(actual.shape)}, expected ${fmtShape(expected.shape)}`);
        }
        const want = onnxDType(expected) as DType;
        if (actual.dtype !== want) throw new Error(`${what}: dtype ${actual.dtype}, expected ${want}`);
        const cmp = compareValues(
          Array.from(await actual.data()),
          expected.data.map(toNumber),
          ONNX_TOLERANCE,
        );
        maxAbsErr = Math.max(maxAbsErr, cmp.maxAbsErr);
        maxRelErr = Math.max(maxRelErr, cmp.maxRelErr);
        if (!cmp.ok) {
          const w = cmp.worst;
          throw new Error(
            `${what}: max abs err ${cmp.maxAbsErr.toExponential(2)}${w ? ` (element ${w.index}: got ${w.actual}, expected ${w.expected})` : ''}`,
          );
        }
      }
    });
  } catch (e) {
    if (e instanceof OnnxUnsupported) unsupported = e.message;
    else failure = e instanceof Error ? e.message : String(e);
  }
  if (!failure && !unsupported) failure = leakSince(before, 'the case');
  if (unsupported) return { ...base, status: 'unsupported', maxAbsErr, maxRelErr, reason: unsupported };
  return failure
    ? { ...base, status: 'fail', maxAbsErr, maxRelErr, reason: failure }
    : { ...base, status: 'pass', maxAbsErr, maxRelErr };
}
