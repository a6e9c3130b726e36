/** Runs every case of the given fixture folders on one backend and collects the results. */
import { registerBackend, removeBackend, setBackend } from '@dendrite/core';
import {
  applyExpectation,
  type CaseResult,
  type CaseTotals,
  GRADIENT_SPECS,
  loadFixtureFolder,
  OP_SPECS,
  resetGradientInputs,
  runGradientCase,
  runOnnxCase,
  runSpecCase,
  runTorchCase,
} from '@dendrite/core/conformance';
import type { BackendEntry } from './backends.js';

export interface BackendReport {
  readonly backend: string;
  readonly totals: CaseTotals;
  readonly cases: CaseResult[];
}

export function totalsOf(cases: readonly CaseResult[]): CaseTotals {
  const t: CaseTotals = { pass: 0, fail: 0, xfail: 0, xpass: 0, unsupported: 0 };
  for (const c of cases) t[c.status]++;
  return t;
}

export async function runBackend(
  name: string,
  entry: BackendEntry,
  folders: readonly string[],
  withSpecs: boolean,
  onCase?: (r: CaseResult) => void,
): Promise<BackendReport> {
  const registered = `conformance:${name}`;
  registerBackend(registered, entry.create, -1);
  await setBackend(registered);
  const cases: CaseResult[] = [];
  try {
    if (withSpecs) {
      for (const spec of OP_SPECS)
        cases.push(applyExpectation(await runSpecCase(spec), entry.expectedFailures));
      resetGradientInputs();
      for (const spec of GRADIENT_SPECS) {
        cases.push(applyExpectation(await runGradientCase(spec), entry.expectedFailures));
      }
    }
    for (const folder of folders) {
      for (const file of loadFixtureFolder(folder)) {
        for (const c of file.torch)
          cases.push(applyExpectation(await runTorchCase(c, file.source), entry.expectedFailures));
        for (const c of file.onnx)
          cases.push(applyExpectation(await runOnnxCase(c, file.source), entry.expectedFailures));
        for (let i = cases.length - file.torch.length - file.onnx.length; i < cases.length; i++)
          onCase?.(cases[i]);
      }
    }
  } finally {
    removeBackend(registered);
  }
  return { backend: name, totals: totalsOf(cases), cases };
}
