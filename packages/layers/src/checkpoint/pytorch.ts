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
import { formatPrefixes, looksLikePyTorchKeys, type ModuleNeeds, suggestPrefixes } from './pytorch-hints.js';

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
  const misshapen: string[] = [];
  // Modules that could not read all their tensors, with what they need: the material of the hints.
  const unmet: ModuleNeeds[] = [];
  const plan: { key: string; rule: Rule; sources: Tensor[]; shape: Shape }[] = [];
  for (const [path, m] of module.namedModules()) {
    const own = new Map(m.ownState());
    if (own.size === 0) continue;
    const prefix = options.prefixes?.[path] ?? path;
    const torchName = (n: string) => (prefix ? `${prefix}.${n}` : n);
    // Layers of this library convert layouts; any other module's tensors are read under their own names.
    const rules = rulesFor(m) ?? [...own.keys()].map((name) => copy(name, name));
    const needs: { name: string; shape: Shape }[] = [];
    let met = true;
    for (const rule of rules) {
      const key = path ? `${path}.${rule.target}` : rule.target;
      const slot = own.get(rule.target);
      if (!slot) continue;
      const shape = slot.shape;
      const expected = rule.torchShape(shape);
      if (!rule.optional) needs.push(...rule.sources.map((name) => ({ name, shape: expected })));
      const names = rule.sources.map(torchName);
      const absent = names.filter((n) => !(n in torchState));
      if (absent.length && rule.optional) {
        plan.push({ key, rule: { ...same, target: rule.target, sources: [] }, sources: [slot.value], shape });
        continue;
      }
      if (absent.length) {
        missing.push(...absent);
        met = false;
        continue;
      }
      const sources = names.map((n) => torchState[n]);
      const wrong = sources.findIndex(
        (t) => t.rank !== expected.length || t.shape.some((d, j) => d !== expected[j]),
      );
      if (wrong >= 0) {
        misshapen.push(
          `PyTorch tensor '${names[wrong]}' has shape [${sources[wrong].shape.join(', ')}]; '${key}' [${shape.join(', ')}] needs [${expected.join(', ')}]`,
        );
        met = false;
        continue;
      }
      for (const n of names) used.add(n);
      plan.push({ key, rule, sources, shape });
    }
    if (!met) unmet.push({ path, sources: needs });
  }
  const strict = options.strict ?? true;
  const unused = Object.keys(torchState).filter((k) => !used.has(k));
  if (misshapen.length || missing.length || (strict && unused.length)) {
    const hint = mismatchHint(module, torchState, unmet, unused, options);
    if (misshapen.length && !missing.length) throw new ShapeError(op, `${misshapen[0]}${hint}`);
    throw new ArgumentError(
      op,
      `the PyTorch state does not match the module: missing [${missing.join(', ')}]${strict ? `, unused [${unused.join(', ')}]` : ''}${misshapen.length ? `; ${misshapen.join('; ')}` : ''}${hint}`,
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

/** What would make the names line up, or why they cannot: appended to the mismatch error. */
function mismatchHint(
  module: Module,
  torchState: Readonly<Record<string, Tensor>>,
  unmet: readonly ModuleNeeds[],
  unused: readonly string[],
  options: PyTorchMappingOptions,
): string {
  const unusedShapes = new Map(unused.map((k) => [k, torchState[k].shape] as const));
  const suggested = suggestPrefixes(unmet, unusedShapes);
  const found = Object.keys(suggested).length;
  if (found > 0) {
    const prefixes = formatPrefixes({ ...options.prefixes, ...suggested });
    const rest = unmet
      .filter((n) => !(n.path in suggested) && n.sources.length)
      .map((n) => n.path || '(root)');
    return found === unmet.length || rest.length === 0
      ? `. The unused tensors fit under other names: pass { prefixes: ${prefixes} }`
      : `. Some unused tensors fit under other names ({ prefixes: ${prefixes} }); nothing fits [${rest.join(', ')}]`;
  }
  const ownKeys = module.namedParameters().map(([k]) => k);
  if (ownKeys.length && ownKeys.every((k) => k in torchState)) {
    return `. The file holds this module's own names (${ownKeys.slice(0, 2).join(', ')}…): it was saved by Dendrite; load it without { pytorch }`;
  }
  if (!looksLikePyTorchKeys(Object.keys(torchState))) {
    return `. Its names do not read like a PyTorch state_dict() (weight, bias, running_mean…): is it one?`;
  }
  return '';
}
