// Each optional (fused) kernel this backend overrides must agree with core's default built from
// primitives: run the suite again with every optional kernel hidden, so core's defaults are judged by
// the same independent references as the overrides.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Backend } from '@dendrite/core';
import { runConformance } from '@dendrite/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/index.js';
import { CORE_GROUPS } from './helpers.js';

const OPTIONAL_KERNELS = new Set<string | symbol>([
  'fusedMatmul',
  'softmax',
  'logSoftmax',
  'batchNormApply',
  'softmaxCrossEntropy',
  'lstmCell',
  'optimizerUpdate',
]);

function withoutOptionalKernels(name: string): Backend {
  return new Proxy(new CpuBackend({ name, threads: 1 }), {
    get(target, prop) {
      if (OPTIONAL_KERNELS.has(prop)) return undefined;
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

const fixtures = (name: string) => fileURLToPath(new URL(`../../../fixtures/${name}`, import.meta.url));

runConformance(
  () => withoutOptionalKernels('cpu-defaults'),
  { describe, it, expect, beforeAll, afterAll },
  {
    fixtures: [fixtures('torch'), fixtures('onnx')],
    files: [...CORE_GROUPS, ...readdirSync(fixtures('onnx')).filter((f) => f.endsWith('.json'))],
    backendName: 'cpu-defaults',
  },
);
