/**
 * Converters for the composite blocks of @dendrite/architectures, by kind and structure alone (this
 * package does not import architectures): each reads the block's named children and public settings,
 * and writes the computation its `compute` performs.
 */
import type { Module } from '@dendrite/layers';
import { OnnxExportError } from '../errors.js';
import type { ExportContext, GraphValue, ModuleConverter } from './export-context.js';
import { attr } from './graph-builder.js';

function childrenOf(m: Module): Map<string, Module> {
  return new Map(m.children());
}

function child(m: Module, kids: Map<string, Module>, name: string): Module {
  const c = kids.get(name);
  if (!c)
    throw new OnnxExportError(
      `exportOnnx ${m.label}`,
      `expected a child '${name}' (has ${[...kids.keys()].join(', ')})`,
    );
  return c;
}

const relu = (x: GraphValue, ctx: ExportContext): GraphValue => ({
  name: ctx.graph.op('Relu', [x.name]),
  shape: x.shape,
});

/**
 * ResNet's BasicBlock / Bottleneck: `relu(bnN(convN(… relu(bn1(conv1(x))) …)) + shortcut(x))`, the
 * shortcut being `downsample` (projection), `shortcut` (option A) or the identity.
 */
const residualBlock: ModuleConverter = (m, x, ctx) => {
  const kids = childrenOf(m);
  let h = x;
  for (let i = 1; kids.has(`conv${i}`); i++) {
    if (i > 1) h = relu(h, ctx);
    h = ctx.convert(child(m, kids, `bn${i}`), ctx.convert(child(m, kids, `conv${i}`), h));
  }
  const shortcut = kids.get('downsample') ?? kids.get('shortcut');
  const skip = shortcut ? ctx.convert(shortcut, x) : x;
  return relu({ name: ctx.graph.op('Add', [h.name, skip.name]), shape: h.shape }, ctx);
};

/** Option A: every `stride`-th row and column, then zero channels on both sides. */
const optionAShortcut: ModuleConverter = (module, x, ctx) => {
  const m = module as Module & { inChannels: number; outChannels: number; stride: number };
  const g = ctx.graph;
  let h = x.name;
  const [n, hh, ww] = x.shape;
  if (m.stride > 1) {
    const big = 2 ** 31 - 1;
    h = g.op('Slice', [
      h,
      g.ints('starts', [0, 0]),
      g.ints('ends', [big, big]),
      g.ints('axes', [2, 3]),
      g.ints('steps', [m.stride, m.stride]),
    ]);
  }
  const side = (m.outChannels - m.inChannels) / 2;
  const y = g.op('Pad', [h, g.ints('pads', [0, side, 0, 0, 0, side, 0, 0])], {
    mode: attr.string('constant'),
  });
  return { name: y, shape: [n, Math.ceil(hh / m.stride), Math.ceil(ww / m.stride), m.outChannels] };
};

/** DenseNet's layer: `concat([x, f(x)])` on channels, f = (BN-ReLU-conv)+ (dropout is inference-free). */
const denseLayer: ModuleConverter = (m, x, ctx) => {
  const kids = childrenOf(m);
  let h = x;
  for (let i = 1; kids.has(`norm${i}`); i++) {
    h = ctx.convert(child(m, kids, `conv${i}`), relu(ctx.convert(child(m, kids, `norm${i}`), h), ctx));
  }
  const [n, hh, ww, c] = x.shape;
  return {
    name: ctx.graph.op('Concat', [x.name, h.name], { axis: attr.int(1) }),
    shape: [n, hh, ww, c + h.shape[3]],
  };
};

/** Modules whose forward (in inference) runs their children one after another, in registration order. */
const chain: ModuleConverter = (m, x, ctx) =>
  m.children().reduce<GraphValue>((h, [, c]) => ctx.convert(c, h), x);

/** Input corruption (denoising autoencoders) is the identity outside training. */
const identity: ModuleConverter = (_m, x) => x;

export const ARCHITECTURE_CONVERTERS: ReadonlyArray<readonly [string, ModuleConverter]> = [
  ['BasicBlock', residualBlock],
  ['Bottleneck', residualBlock],
  ['OptionAShortcut', optionAShortcut],
  ['DenseLayer', denseLayer],
  ['StackedAutoencoder', chain],
  ['CharLanguageModel', chain],
  ['Gan', chain],
  ['InputCorruption', identity],
];
