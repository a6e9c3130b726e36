// The PyTorch golden cases of activations.json (forward and gradients) and the ONNX node tests of the
// activation ops, run on backend-cpu through the shared suite with this package's adapters.
import { fileURLToPath } from 'node:url';
import { createCpuBackend } from '@dendrite/backend-cpu';
import { registerOnnxOps, registerTorchOps, runConformance } from '@dendrite/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onnxAdapters, torchAdapters } from '../src/conformance/index.js';

registerTorchOps(torchAdapters);
registerOnnxOps(onnxAdapters);

const fixtures = (dir: string) => fileURLToPath(new URL(`../../../fixtures/${dir}`, import.meta.url));

runConformance(
  () => createCpuBackend('activations-conformance'),
  { describe, it, expect, beforeAll, afterAll },
  {
    fixtures: [fixtures('torch'), fixtures('onnx')],
    files: ['activations.json', ...Object.keys(onnxAdapters).map((op) => `${op}.json`)],
    backendName: 'activations-conformance',
  },
);
