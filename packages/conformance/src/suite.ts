/**
 * The whole suite as data: groups of named cases, each a function that runs one case on the current
 * backend and returns its result. The vitest glue (`runConformance`), the command-line runner and a
 * browser page all iterate the same list, so none of them can run less than the others.
 */
import { type Backend, OPTIONAL_KERNELS, overriddenKernels } from '@dendrite/core';
import {
  type CaseResult,
  FUSED_CHECKS,
  GRADIENT_SPECS,
  INVALID_CALLS,
  OP_SPECS,
  resetGradientInputs,
  runFusedCheck,
  runGradientCase,
  runInvalidCall,
  runOnnxCase,
  runSpecCase,
  runTorchCase,
} from '@dendrite/core/conformance';
import { registerAllAdapters } from './adapters.js';
import { type FixtureSource, loadFixtures } from './fixtures/sources.js';

export interface SuiteCase {
  readonly name: string;
  readonly run: () => Promise<CaseResult>;
}

export interface SuiteGroup {
  readonly name: string;
  /** Runs before the group's first case (e.g. resetting shared inputs). */
  readonly before?: () => void;
  readonly cases: readonly SuiteCase[];
}

export interface SuiteOptions {
  /** Fixture files to run (default: the package's own, PyTorch goldens and ONNX node tests). */
  readonly fixtures: readonly FixtureSource[];
  /** Run the built-in op specs, gradient checks and fused-kernel checks (default true). */
  readonly builtIn?: boolean;
}

/**
 * Every case for `backend`: op specs, finite-difference gradient checks, a fused-kernel check for each
 * optional kernel the backend overrides, and every case of every fixture file.
 */
export async function buildSuite(backend: Backend, options: SuiteOptions): Promise<SuiteGroup[]> {
  registerAllAdapters();
  const groups: SuiteGroup[] = [];
  if (options.builtIn !== false) {
    groups.push({
      name: 'op specs (float64 references, edge shapes, finite differences)',
      cases: OP_SPECS.map((spec) => ({ name: spec.name, run: () => runSpecCase(spec) })),
    });
    groups.push({
      name: 'finite-difference gradient checks of every differentiable op',
      before: resetGradientInputs,
      cases: GRADIENT_SPECS.map((spec) => ({ name: spec[0], run: () => runGradientCase(spec) })),
    });
    groups.push({
      name: `invalid calls: typed errors naming the op (${INVALID_CALLS.length} cases)`,
      cases: INVALID_CALLS.map((c) => ({ name: `invalid: ${c.name}`, run: () => runInvalidCall(c) })),
    });
    const overridden = new Set<string>(overriddenKernels(backend));
    groups.push({
      name: `optional kernels against core's defaults (${OPTIONAL_KERNELS.filter((k) => overridden.has(k)).join(', ') || 'none overridden'})`,
      cases: FUSED_CHECKS.filter((c) => overridden.has(c.kernel)).map((c) => ({
        name: c.name,
        run: () => runFusedCheck(c),
      })),
    });
  }
  for (const source of options.fixtures) {
    for (const file of await loadFixtures(source)) {
      groups.push({
        name: file.source,
        cases: [
          ...file.torch.map((c) => ({ name: c.name, run: () => runTorchCase(c, file.source) })),
          ...file.onnx.map((c) => ({ name: c.name, run: () => runOnnxCase(c, file.source) })),
        ],
      });
    }
  }
  return groups;
}
