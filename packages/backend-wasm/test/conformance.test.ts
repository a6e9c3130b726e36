// The whole conformance suite in one line: every PyTorch golden group, every ONNX node test, the op specs,
// the finite-difference gradient checks, the architecture counts and a check of each optional kernel this
// backend overrides against core's default.
import { runConformance } from '@dendrite/conformance/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/node.js';

await runConformance(() => createWasmBackend(), { describe, it, expect, beforeAll, afterAll });
