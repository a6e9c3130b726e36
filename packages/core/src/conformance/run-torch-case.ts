/**
 * Runs one PyTorch fixture case on the current backend: forward values, then every recorded gradient
 * (of `sum_k sum(outputs[k] * dy[k])`), then a leak check (live tensors and backend bytes back to where
 * they were).
 */
import { backward } from '../autograd/backward.js';
import type { DType } from '../dtype.js';
import { fmtShape } from '../errors.js';
import { dispose, tidy } from '../memory.js';
import { add, mul } from '../ops/arithmetic.js';
import { tensor } from '../ops/creation.js';
import { optimizerUpdate } from '../ops/fused/optimizer-update.js';
import { sum } from '../ops/reduce.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { compareValues } from './compare.js';
import { type CaseErrors, runCheckedCase } from './run-checked-case.js';
import type { CaseResult, TorchCase, TorchTensorJson } from './schema.js';
import { TORCH_OPS } from './torch-ops.js';

function toTensor(j: TorchTensorJson): Tensor {
  const dtype: DType =
    j.dtype === 'int32' || j.dtype === 'int64' ? 'int32' : j.dtype === 'bool' ? 'bool' : 'float32';
  return tensor(j.data, j.shape, dtype);
}

class Mismatch extends Error {}

/** Exact comparison of counts (architecture cases): same numbers, same keys, any key order. */
function checkStructure(what: string, actual: unknown, expected: unknown): void {
  const canonical = (v: unknown): unknown =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v;
  const [a, e] = [JSON.stringify(canonical(actual)), JSON.stringify(canonical(expected))];
  if (a !== e) throw new Mismatch(`${what}: ${a ?? 'not produced'}, expected ${e}`);
}

const isTensorJson = (v: unknown): v is TorchTensorJson =>
  typeof v === 'object' && v !== null && 'shape' in v && 'data' in v;

async function check(
  what: string,
  actual: Tensor | undefined,
  expected: TorchTensorJson,
  c: TorchCase,
  errs: CaseErrors,
): Promise<void> {
  if (!actual) throw new Mismatch(`${what}: not produced`);
  if (!shapesEqual(actual.shape, expected.shape)) {
    throw new Mismatch(`${what}: shape ${fmtShape(actual.shape)}, expected ${fmtShape(expected.shape)}`);
  }
  const values = Array.from(await actual.data(), Number);
  const cmp = compareValues(values, expected.data, c.tolerance);
  errs.maxAbsErr = Math.max(errs.maxAbsErr, cmp.maxAbsErr);
  errs.maxRelErr = Math.max(errs.maxRelErr, cmp.maxRelErr);
  if (!cmp.ok) {
    const w = cmp.worst;
    throw new Mismatch(
      `${what}: max abs err ${cmp.maxAbsErr.toExponential(2)}${w ? ` (element ${w.index}: got ${w.actual}, expected ${w.expected})` : ''}`,
    );
  }
}

export async function runTorchCase(c: TorchCase, source: string): Promise<CaseResult> {
  const base = { source, name: c.name, op: c.op };
  const adapter = TORCH_OPS[c.op];
  if (!adapter)
    return {
      ...base,
      status: 'unsupported',
      maxAbsErr: 0,
      maxRelErr: 0,
      reason: `op '${c.op}' has no Dendrite mapping`,
    };
  return runCheckedCase(base, async (errs) => {
    await tidy(async () => {
      const args: Record<string, Tensor> = {};
      for (const group of [c.inputs ?? {}, c.params ?? {}, c.state ?? {}]) {
        for (const [k, v] of Object.entries(group)) args[k] = toTensor(v);
      }
      const gradNames = Object.keys(c.grads ?? {});
      for (const k of gradNames) {
        if (!args[k]) throw new Mismatch(`grads names '${k}', which is not an argument`);
        args[k].requiresGrad = true;
      }
      const outputs = adapter(args, c.attrs ?? {}, c);
      for (const [k, expected] of Object.entries(c.outputs)) {
        const actual = outputs[k];
        if (isTensorJson(expected))
          await check(`output '${k}'`, actual as Tensor | undefined, expected, c, errs);
        else checkStructure(`output '${k}'`, actual, expected);
      }
      for (const [i, step] of (c.steps ?? []).entries()) {
        for (const [k, expected] of Object.entries(step.params)) {
          await check(
            `step ${i + 1} '${k}'`,
            outputs[`steps.${i}.${k}`] as Tensor | undefined,
            expected,
            c,
            errs,
          );
        }
      }
      if (gradNames.length === 0) return;
      let loss: Tensor | null = null;
      for (const [k, dyJson] of Object.entries(c.dy ?? {})) {
        const out = outputs[k] as Tensor | undefined;
        if (!out) throw new Mismatch(`dy names output '${k}', which the op did not produce`);
        const term = sum(mul(out, toTensor(dyJson)));
        loss = loss ? add(loss, term) : term;
      }
      if (!loss) throw new Mismatch('grads are recorded but no dy is given');
      const targets = gradNames.map((k) => args[k]);
      const grads = backward(loss, undefined, targets);
      try {
        for (let i = 0; i < gradNames.length; i++) {
          await check(`grad '${gradNames[i]}'`, grads[i] ?? undefined, c.grads![gradNames[i]], c, errs);
        }
        // Model cases record the parameters after one plain SGD step with these gradients.
        for (const [k, expected] of Object.entries(c.paramsAfterStep ?? {})) {
          const g = grads[gradNames.indexOf(k)];
          if (!g) throw new Mismatch(`paramsAfterStep names '${k}', which has no gradient`);
          const { param } = optimizerUpdate('sgd', args[k], g, [], { lr: Number(c.attrs?.lr) });
          await check(`param '${k}' after the SGD step`, param, expected, c, errs);
        }
      } finally {
        dispose(grads);
      }
    });
  });
}
