// The shared conformance suite, in one line: every PyTorch golden case of the groups core implements.
import { fileURLToPath } from 'node:url';
import { runConformance } from '@dendrite/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '../src/index.js';
import { CORE_GROUPS } from './helpers.js';

const torchFixtures = fileURLToPath(new URL('../../../fixtures/torch', import.meta.url));

runConformance(
  () => createCpuBackend(),
  { describe, it, expect, beforeAll, afterAll },
  {
    fixtures: [torchFixtures],
    files: CORE_GROUPS,
  },
);
