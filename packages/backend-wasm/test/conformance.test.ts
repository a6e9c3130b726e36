// The shared conformance suite in one line: the PyTorch groups core implements and every ONNX node test.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runConformance } from '@dendrite/core/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/node.js';

const torch = fileURLToPath(new URL('../../../fixtures/torch', import.meta.url));
const onnx = fileURLToPath(new URL('../../../fixtures/onnx', import.meta.url));
const TORCH_GROUPS = ['elementwise.json', 'reductions.json', 'matmul.json', 'conv.json', 'pool.json'];
const ONNX_FILES = readdirSync(onnx).filter((f) => f.endsWith('.json'));

runConformance(
  () => createWasmBackend(),
  { describe, it, expect, beforeAll, afterAll },
  { fixtures: [torch, onnx], files: [...TORCH_GROUPS, ...ONNX_FILES] },
);
