/**
 * Reads fixture folders (Node only). Each `*.json` file holds an array of cases in either schema; the
 * schema is recognised per case (ONNX cases carry `opset` and positional inputs), so any folder in either
 * format runs with no code change.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { OnnxCase, TorchCase } from './schema.js';

export interface FixtureFile {
  /** e.g. `torch:conv.json` */
  readonly source: string;
  readonly path: string;
  readonly torch: TorchCase[];
  readonly onnx: OnnxCase[];
}

function isOnnxCase(c: unknown): c is OnnxCase {
  return typeof c === 'object' && c !== null && 'opset' in c && Array.isArray((c as OnnxCase).inputs);
}

/** A torch case names its op and passes its arguments by name (`inputs`, or only `params` for optimizers). */
function isTorchCase(c: unknown): c is TorchCase {
  if (typeof c !== 'object' || c === null || !('op' in c) || 'opset' in c) return false;
  const { inputs, params } = c as { inputs?: unknown; params?: unknown };
  const byName = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  return byName(inputs) || byName(params);
}

export function loadFixtureFile(path: string): FixtureFile {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const list = Array.isArray(parsed) ? parsed : [];
  const onnx = list.filter(isOnnxCase);
  const torch = list.filter(isTorchCase);
  const kind = onnx.length > torch.length ? 'onnx' : 'torch';
  return { source: `${kind}:${basename(path)}`, path, torch, onnx };
}

/** Every case file in `dir` (index.json and non-array files are ignored), sorted by name. */
export function loadFixtureFolder(dir: string): FixtureFile[] {
  if (!statSync(dir).isDirectory()) throw new Error(`fixtures: ${dir} is not a folder`);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .sort()
    .map((f) => loadFixtureFile(join(dir, f)))
    .filter((f) => f.torch.length + f.onnx.length > 0);
}
