// The shared conformance suite, in one line: every PyTorch golden case of the groups core implements and
// every ONNX node test (cases in dtypes Dendrite lacks, or needing packages above core, show as skipped
// with their reason; `pnpm conformance` runs everything with every package's adapters).
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runConformance } from '@dendrite/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '../src/index.js';
import { CORE_GROUPS } from './helpers.js';

const fixtures = (name: string) => fileURLToPath(new URL(`../../../fixtures/${name}`, import.meta.url));
const onnxFiles = readdirSync(fixtures('onnx')).filter((f) => f.endsWith('.json'));

runConformance(() => createCpuBackend(), { describe, it, expect, beforeAll, afterAll }, {
  fixtures: [fixtures('torch'), fixtures('onnx')],
  files: [...CORE_GROUPS, ...onnxFiles],
});
