/**
 * Loading PyTorch state dicts (e.g. a `.safetensors` file written by `safetensors.torch.save_file`) into
 * Dendrite modules. Names map module for module (a Dendrite module at path `p` reads PyTorch's `p.weight`,
 * `p.bias`…, or another prefix given in `prefixes`), and layouts are converted: conv weights OIHW -> HWIO,
 * linear `[out, in]` -> `[in, out]`, LSTM's two biases summed, BatchNorm's `weight`/`bias`/running
 * statistics and its int64 `num_batches_tracked` (decoded as int32).
 */
import {
  ArgumentError,
  add,
  alias,
  dispose,
  reshape,
  type Shape,
  ShapeError,
  type Tensor,
  transpose,
} from '@dendrite/core';
import { BatchNorm } from '../layers/batch-norm.js';
import { Conv2D } from '../layers/conv2d.js';
import { Conv2DTranspose } from '../layers/conv2d-transpose.js';
import { Dense } from '../layers/dense.js';
import { DepthwiseConv2D } from '../layers/depthwise-conv2d.js';
import { Embedding } from '../layers/embedding.js';
import { LayerNorm } from '../layers/layer-norm.js';
import { LSTM } from '../layers/lstm.js';
import type { Module } from '../module/module.js';

export interface PyTorchMappingOptions {
  /** Dendrite module path -> PyTorch module prefix, where they differ (default: the same path). */
  readonly prefixes?: Readonly<Record<string, string>>;
  /** Refuse PyTorch tensors that nothing reads (default true). */
  readonly strict?: boolean;
}

/** One Dendrite tensor made from PyTorch tensors: their names, expected shapes, and the conversion. */
interface Rule {
  readonly target: string;
  readonly sources: readonly string[];
  /** PyTorch's shape of each source, from the Dendrite tensor's shape. */
  readonly torchShape: (dendrite: Shape) => Shape;
  readonly convert: (sources: Tensor[], dendrite: Shape) => Tensor;
  /** Checkpoints from before PyTorch 0.4.1 lack it: the module keeps its own value. */
  readonly optional?: boolean;
}

const same: Omit<Rule, 'target' | 'sources'> = { torchShape: (s) => s, convert: ([t]) => alias(t) };
const copy = (target: string, source: string): Rule => ({ target, sources: [source], ...same });
const matrix = (target: string, source: string): Rule => ({
  target,
  sources: [source],
  torchShape: ([i, o]) => [o, i],
  convert: ([t]) => transpose(t, [1, 0]),
});
/** OIHW -> HWIO; also ConvTranspose's `[in, out, kh, kw]` -> `[kh, kw, out, in]`. */
const convKernel = (target: string, source: string): Rule => ({
  target,
  sources: [source],
  torchShape: ([kh, kw, i, o]) => [o, i, kh, kw],
  convert: ([t]) => transpose(t, [2, 3, 1, 0]),
});

function rulesFor(m: Module): Rule[] | null {
  const withBias = (rules: Rule[], bias: unknown) => (bias ? [...rules, copy('bias', 'bias')] : rules);
  if (m instanceof Dense) return withBias([matrix('kernel', 'weight')], m.bias);
  if (m instanceof Conv2D || m instanceof Conv2DTranspose)
    return withBias([convKernel('kernel', 'weight')], m.bias);
  if (m instanceof DepthwiseConv2D) {
    // PyTorch: a grouped conv with groups = C, weight [C * M, 1, kh, kw].
    const kernel: Rule = {
      target: 'kernel',
      sources: ['weight'],
      torchShape: ([kh, kw, c, mult]) => [c * mult, 1, kh, kw],
      convert: ([t], s) => reshape(transpose(t, [2, 3, 1, 0]), s),
    };
    return withBias([kernel], m.bias);
  }
  if (m instanceof BatchNorm) {
    return [
      copy('gamma', 'weight'),
      copy('beta', 'bias'),
      copy('runningMean', 'running_mean'),
      copy('runningVar', 'running_var'),
      { ...copy('numBatchesTracked', 'num_batches_tracked'), optional: true },
    ];
  }
  if (m instanceof LayerNorm) return [copy('gamma', 'weight'), copy('beta', 'bias')];
  if (m instanceof Embedding) return [copy('embeddings', 'weight')];
  if (m instanceof LSTM) {
    return [
      matrix('kernel', 'weight_ih_l0'),
      matrix('recurrentKernel', 'weight_hh_l0'),
      {
        target: 'bias',
        sources: ['bias_ih_l0', 'bias_hh_l0'],
        torchShape: (s) => s,
        convert: ([a, b]) => add(a, b),
      },
    ];
  }
  return null;
}

/**
 * A Dendrite state dict for `module` from a PyTorch one (new tensors, owned by the caller; load them with
 * `module.loadStateDict` and dispose them). Missing PyTorch tensors, unused ones (when strict) and shape
 * mismatches are refused with typed errors naming both sides.
 */
export function fromPyTorchStateDict(
  module: Module,
  torchState: Readonly<Record<string, Tensor>>,
  options: PyTorchMappingOptions = {},
): Record<string, Tensor> {
  const op = 'fromPyTorchStateDict';
  const used = new Set<string>();
  const missing: string[] = [];
  const plan: { key: string; rule: Rule; sources: Tensor[]; shape: Shape }[] = [];
  for (const [path, m] of module.namedModules()) {
    const own = new Map(m.ownState());
    if (own.size === 0) continue;
    const prefix = options.prefixes?.[path] ?? path;
    const torchName = (n: string) => (prefix ? `${prefix}.${n}` : n);
    // Layers of this library convert layouts; any other module's tensors are read under their own names.
    const rules = rulesFor(m) ?? [...own.keys()].map((name) => copy(name, name));
    for (const rule of rules) {
      const key = path ? `${path}.${rule.target}` : rule.target;
      const slot = own.get(rule.target);
      if (!slot) continue;
      const shape = slot.shape;
      const names = rule.sources.map(torchName);
      const absent = names.filter((n) => !(n in torchState));
      if (absent.length && rule.optional) {
        plan.push({ key, rule: { ...same, target: rule.target, sources: [] }, sources: [slot.value], shape });
        continue;
      }
      if (absent.length) {
        missing.push(...absent);
        continue;
      }
      const sources = names.map((n) => torchState[n]);
      const expected = rule.torchShape(shape);
      sources.forEach((t, i) => {
        if (t.rank !== expected.length || t.shape.some((d, j) => d !== expected[j])) {
          throw new ShapeError(
            op,
            `PyTorch tensor '${names[i]}' has shape [${t.shape.join(', ')}]; '${key}' [${shape.join(', ')}] needs [${expected.join(', ')}]`,
          );
        }
      });
      for (const n of names) used.add(n);
      plan.push({ key, rule, sources, shape });
    }
  }
  const unused = Object.keys(torchState).filter((k) => !used.has(k));
  if (missing.length || ((options.strict ?? true) && unused.length)) {
    throw new ArgumentError(
      op,
      `the PyTorch state does not match the module: missing [${missing.join(', ')}]${(options.strict ?? true) ? `, unused [${unused.join(', ')}]` : ''}`,
    );
  }
  const out: Record<string, Tensor> = {};
  try {
    for (const { key, rule, sources, shape } of plan) out[key] = rule.convert(sources, shape);
  } catch (e) {
    dispose(out);
    throw e;
  }
  return out;
}
