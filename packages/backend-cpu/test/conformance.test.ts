// The shared conformance suite, in one line: every PyTorch golden case of the groups core implements and
// every ONNX node test (cases in dtypes Dendrite lacks, or needing packages above core, show as skipped
// with their reason; `pnpm conformance` runs everything with every package's adapters).
// It runs twice: as Node users get the backend (default threads), and with every matmul and convolution
// that can be split between two threads split, however small.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runConformance } from '@dendrite/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CpuBackend } from '../src/cpu-backend.js';
import { CORE_GROUPS, createThreadedCpu } from './helpers.js';

const fixtures = (name: string) => fileURLToPath(new URL(`../../../fixtures/${name}`, import.meta.url));
const onnxFiles = readdirSync(fixtures('onnx')).filter((f) => f.endsWith('.json'));
const options = { fixtures: [fixtures('torch'), fixtures('onnx')], files: [...CORE_GROUPS, ...onnxFiles] };
const vitest = { describe, it, expect, beforeAll, afterAll };

runConformance(() => createThreadedCpu(), vitest, { ...options, backendName: 'cpu-default-threads' });

let splitAll: CpuBackend | undefined;
runConformance(() => (splitAll = createThreadedCpu({ threads: 2 }, 0)), vitest, {
  ...options,
  backendName: 'cpu-split-all',
});
it('split matmuls and convolutions of the suite between threads', () => {
  expect(splitAll?.info().jobs).toBeGreaterThan(20);
});
