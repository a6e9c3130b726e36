/**
 * Converters for the layers of @dendrite/layers, keyed by `module.kind`. Weights are written in ONNX's
 * layouts (OIHW filters, Gemm `B` as `[out, in]` with transB, LSTM gates i, o, f, c) and rank-4 values
 * are NCHW, so the graph is what a PyTorch user exports.
 */
import { type Padding, type Pair, resolvePads, type Shape } from '@dendrite/core';
import type {
  ActivationLayer,
  AvgPool2D,
  BatchNorm,
  Concat,
  Conv2D,
  Conv2DTranspose,
  Dense,
  DepthwiseConv2D,
  Embedding,
  GlobalAvgPool2D,
  LayerNorm,
  LSTM,
  MaxPool2D,
  Module,
  Reshape,
  Residual,
  Sequential,
} from '@dendrite/layers';
import { OnnxExportError } from '../errors.js';
import { ONNX_FROM_DENDRITE_GATES, permuteData, reorderGates } from '../layout.js';
import { exportActivation, physicalAxis } from './activations.js';
import type { ExportContext, GraphValue, ModuleConverter } from './export-context.js';
import { attr, type HostTransform } from './graph-builder.js';

const transposeTo =
  (perm: readonly number[]): HostTransform =>
  (data, shape) => ({ data: permuteData(data, shape, perm), shape: perm.map((p) => shape[p]) });

/** HWIO [kh, kw, in, out] -> OIHW. */
export const HWIO_TO_OIHW = transposeTo([3, 2, 0, 1]);
/** Dense [in, out] -> Gemm B [out, in] (transB = 1, as PyTorch writes Linear). */
const IN_OUT_TO_OUT_IN = transposeTo([1, 0]);

/** ONNX pads [top, left, bottom, right] for a window on an NHWC input. */
function onnxPads(
  op: string,
  padding: Padding,
  inShape: Shape,
  kernel: Pair,
  strides: Pair,
  dilations: Pair,
) {
  const [[t, b], [l, r]] = resolvePads(op, padding, [inShape[1], inShape[2]], kernel, strides, dilations);
  return [t, l, b, r];
}

const same = (x: GraphValue, name: string): GraphValue => ({ name, shape: x.shape });

function expectRank4(m: Module, x: GraphValue): void {
  if (x.shape.length !== 4) {
    throw new OnnxExportError(`exportOnnx ${m.label}`, `expected an NHWC input, got [${x.shape.join(', ')}]`);
  }
}

const sequential: ModuleConverter = (m, x, ctx) =>
  (m as Sequential).layers.reduce<GraphValue>((h, layer) => ctx.convert(layer, h), x);

const dense: ModuleConverter = (module, x, ctx) => {
  const m = module as Dense;
  const g = ctx.graph;
  const shape = m.outputShape(x.shape);
  let y: string;
  if (x.shape.length === 2) {
    const inputs = [x.name, g.weight(m.kernel.value, ctx.base(m, 'weight'), IN_OUT_TO_OUT_IN)];
    if (m.bias) inputs.push(g.weight(m.bias.value, ctx.base(m, 'bias')));
    y = g.op('Gemm', inputs, { transB: attr.int(1) }, m.name || 'gemm');
  } else if (x.shape.length === 3) {
    y = g.op('MatMul', [x.name, g.weight(m.kernel.value, ctx.base(m, 'kernel'))]);
    if (m.bias) y = g.op('Add', [y, g.weight(m.bias.value, ctx.base(m, 'bias'))]);
  } else {
    throw new OnnxExportError(
      `exportOnnx ${m.label}`,
      `exports inputs of rank 2 or 3, got [${x.shape.join(', ')}]`,
    );
  }
  return exportActivation(m.activationSpec, { name: y, shape }, ctx, m.label);
};

const conv2d: ModuleConverter = (module, x, ctx) => {
  const m = module as Conv2D;
  expectRank4(m, x);
  const g = ctx.graph;
  const inputs = [x.name, g.weight(m.kernel.value, ctx.base(m, 'weight'), HWIO_TO_OIHW)];
  if (m.bias) inputs.push(g.weight(m.bias.value, ctx.base(m, 'bias')));
  const y = g.op(
    'Conv',
    inputs,
    {
      kernel_shape: attr.ints(m.kernelSize),
      strides: attr.ints(m.strides),
      dilations: attr.ints(m.dilations),
      group: attr.int(m.groups),
      pads: attr.ints(onnxPads(m.label, m.padding, x.shape, m.kernelSize, m.strides, m.dilations)),
    },
    m.name || 'conv',
  );
  return exportActivation(m.activationSpec, { name: y, shape: m.outputShape(x.shape) }, ctx, m.label);
};

const depthwiseConv2d: ModuleConverter = (module, x, ctx) => {
  const m = module as DepthwiseConv2D;
  expectRank4(m, x);
  const g = ctx.graph;
  // [kh, kw, C, M] -> [C·M, 1, kh, kw]: output channel c·M + m, group = C.
  const toOnnx: HostTransform = (data, [kh, kw, c, mult]) => HWIO_TO_OIHW(data, [kh, kw, 1, c * mult]);
  const inputs = [x.name, g.weight(m.kernel.value, ctx.base(m, 'weight'), toOnnx)];
  if (m.bias) inputs.push(g.weight(m.bias.value, ctx.base(m, 'bias')));
  const y = g.op('Conv', inputs, {
    kernel_shape: attr.ints(m.kernelSize),
    strides: attr.ints(m.strides),
    dilations: attr.ints(m.dilations),
    group: attr.int(m.channels),
    pads: attr.ints(onnxPads(m.label, m.padding, x.shape, m.kernelSize, m.strides, m.dilations)),
  });
  return exportActivation(m.activationSpec, { name: y, shape: m.outputShape(x.shape) }, ctx, m.label);
};

const conv2dTranspose: ModuleConverter = (module, x, ctx) => {
  const m = module as Conv2DTranspose;
  expectRank4(m, x);
  const g = ctx.graph;
  const outShape = m.outputShape(x.shape);
  // The forward convolution's pads, resolved on the output; output_padding makes up the rest.
  const [[t, b], [l, r]] = resolvePads(
    m.label,
    m.padding,
    [outShape[1], outShape[2]],
    m.kernelSize,
    m.strides,
    m.dilations,
  );
  const extra = [0, 1].map((i) => {
    const span = (m.kernelSize[i] - 1) * m.dilations[i] + 1;
    const pads = i === 0 ? t + b : l + r;
    return outShape[1 + i] - ((x.shape[1 + i] - 1) * m.strides[i] + span - pads);
  });
  if (extra.some((e) => e < 0)) {
    throw new OnnxExportError(
      `exportOnnx ${m.label}`,
      `cannot express its output size as ONNX output_padding (${extra})`,
    );
  }
  // [kh, kw, out, in] -> ONNX [in, out, kh, kw].
  const inputs = [x.name, g.weight(m.kernel.value, ctx.base(m, 'weight'), transposeTo([3, 2, 0, 1]))];
  if (m.bias) inputs.push(g.weight(m.bias.value, ctx.base(m, 'bias')));
  const y = g.op('ConvTranspose', inputs, {
    kernel_shape: attr.ints(m.kernelSize),
    strides: attr.ints(m.strides),
    dilations: attr.ints(m.dilations),
    pads: attr.ints([t, l, b, r]),
    output_padding: attr.ints(extra),
  });
  return exportActivation(m.activationSpec, { name: y, shape: outShape }, ctx, m.label);
};

const batchNorm: ModuleConverter = (module, x, ctx) => {
  const m = module as BatchNorm;
  if (x.shape.length !== 2 && x.shape.length !== 4) {
    throw new OnnxExportError(
      `exportOnnx ${m.label}`,
      `exports inputs [N, C] or [N, H, W, C], got [${x.shape.join(', ')}]`,
    );
  }
  const g = ctx.graph;
  const y = g.op(
    'BatchNormalization',
    [
      x.name,
      g.weight(m.gamma.value, ctx.base(m, 'weight')),
      g.weight(m.beta.value, ctx.base(m, 'bias')),
      g.weight(m.runningMean.value, ctx.base(m, 'running_mean')),
      g.weight(m.runningVar.value, ctx.base(m, 'running_var')),
    ],
    { epsilon: attr.float(m.eps), momentum: attr.float(1 - m.momentum) },
    m.name || 'batchnorm',
  );
  return same(x, y);
};

const activationLayer: ModuleConverter = (m, x, ctx) =>
  exportActivation((m as ActivationLayer).activationSpec, x, ctx, m.label);

const pool =
  (op: 'MaxPool' | 'AveragePool'): ModuleConverter =>
  (module, x, ctx) => {
    const m = module as MaxPool2D | AvgPool2D;
    expectRank4(m, x);
    const { window, strides, padding } = m.geometry;
    const attrs = {
      kernel_shape: attr.ints(window),
      strides: attr.ints(strides),
      pads: attr.ints(onnxPads(m.label, padding, x.shape, window, strides, [1, 1])),
      ...(op === 'AveragePool' ? { count_include_pad: attr.int(0) } : {}),
    };
    return { name: ctx.graph.op(op, [x.name], attrs), shape: m.outputShape(x.shape) };
  };

const globalAvgPool: ModuleConverter = (module, x, ctx) => {
  const m = module as GlobalAvgPool2D;
  expectRank4(m, x);
  const pooled = ctx.graph.op('GlobalAveragePool', [x.name]);
  const shape = m.outputShape(x.shape);
  if (m.keepdims) return { name: pooled, shape };
  return { name: ctx.graph.op('Flatten', [pooled], { axis: attr.int(1) }), shape };
};

/** A rank-4 value back in NHWC order (what Dendrite's flatten and reshape see). */
function toNHWC(x: GraphValue, ctx: ExportContext): string {
  return x.shape.length === 4
    ? ctx.graph.op('Transpose', [x.name], { perm: attr.ints([0, 2, 3, 1]) })
    : x.name;
}

const flatten: ModuleConverter = (m, x, ctx) => ({
  name: ctx.graph.op('Flatten', [toNHWC(x, ctx)], { axis: attr.int(1) }),
  shape: m.outputShape(x.shape),
});

const reshapeLayer: ModuleConverter = (module, x, ctx) => {
  const m = module as Reshape;
  const shape = m.outputShape(x.shape);
  const g = ctx.graph;
  // 0 keeps the batch axis, whatever its size at run time.
  let y = g.op('Reshape', [toNHWC(x, ctx), g.ints('shape', [0, ...shape.slice(1)])]);
  if (shape.length === 4) y = g.op('Transpose', [y], { perm: attr.ints([0, 3, 1, 2]) });
  return { name: y, shape };
};

/** The identity: no node (the graph's output gets an Identity if it would equal the input). */
const passThrough: ModuleConverter = (_m, x) => x;

const residual: ModuleConverter = (module, x, ctx) => {
  const m = module as Residual;
  const body = ctx.convert(m.body, x);
  const skip = m.shortcut ? ctx.convert(m.shortcut, x) : x;
  const sum = { name: ctx.graph.op('Add', [body.name, skip.name]), shape: body.shape };
  return exportActivation(m.activationSpec, sum, ctx, m.label);
};

const concatLayer: ModuleConverter = (module, x, ctx) => {
  const m = module as Concat;
  const parts = m.branches.map((b) => ctx.convert(b, x));
  const shape = m.outputShape(x.shape);
  const y = ctx.graph.op(
    'Concat',
    parts.map((p) => p.name),
    { axis: attr.int(physicalAxis(m.axis, shape.length)) },
  );
  return { name: y, shape };
};

const layerNorm: ModuleConverter = (module, x, ctx) => {
  const m = module as LayerNorm;
  if (x.shape.length === 4) {
    throw new OnnxExportError(
      `exportOnnx ${m.label}`,
      'exports inputs of rank 2 or 3 (a rank-4 input is NCHW in the graph)',
    );
  }
  const g = ctx.graph;
  const y = g.op(
    'LayerNormalization',
    [x.name, g.weight(m.gamma.value, ctx.base(m, 'weight')), g.weight(m.beta.value, ctx.base(m, 'bias'))],
    { axis: attr.int(-1), epsilon: attr.float(m.eps) },
  );
  return same(x, y);
};

const embedding: ModuleConverter = (module, x, ctx) => {
  const m = module as Embedding;
  const g = ctx.graph;
  const y = g.op('Gather', [g.weight(m.embeddings.value, ctx.base(m, 'weight')), x.name], {
    axis: attr.int(0),
  });
  return { name: y, shape: m.outputShape(x.shape) };
};

const lstm: ModuleConverter = (module, x, ctx) => {
  const m = module as LSTM;
  const g = ctx.graph;
  const h = m.hiddenSize;
  // Dendrite [in, 4h] gates i, f, g, o -> ONNX [1, 4h, in] gates i, o, f, c.
  const toOnnxWeight: HostTransform = (data, shape) => {
    const t = permuteData(data, shape, [1, 0]);
    return {
      data: reorderGates(t, [shape[1], shape[0]], 0, h, ONNX_FROM_DENDRITE_GATES),
      shape: [1, shape[1], shape[0]],
    };
  };
  // One bias -> ONNX's [Wb, Rb] with Rb = 0.
  const toOnnxBias: HostTransform = (data) => {
    const out = new Float32Array(8 * h);
    out.set(reorderGates(data, [4 * h], 0, h, ONNX_FROM_DENDRITE_GATES));
    return { data: out, shape: [1, 8 * h] };
  };
  const seq = g.op('Transpose', [x.name], { perm: attr.ints([1, 0, 2]) }); // [T, B, F]
  const [y, yh] = g.node(
    'LSTM',
    [
      seq,
      g.weight(m.kernel.value, ctx.base(m, 'W'), toOnnxWeight),
      g.weight(m.recurrentKernel.value, ctx.base(m, 'R'), toOnnxWeight),
      g.weight(m.bias.value, ctx.base(m, 'B'), toOnnxBias),
    ],
    { hidden_size: attr.int(h) },
    2,
    m.name || 'lstm',
  );
  const [b, t] = x.shape;
  if (m.returnSequences) {
    // Y [T, 1, B, H] -> [B, T, H]
    const squeezed = g.op('Squeeze', [y, g.ints('axes', [1])]);
    return { name: g.op('Transpose', [squeezed], { perm: attr.ints([1, 0, 2]) }), shape: [b, t, h] };
  }
  return { name: g.op('Squeeze', [yh, g.ints('axes', [0])]), shape: [b, h] };
};

export const LAYER_CONVERTERS: ReadonlyArray<readonly [string, ModuleConverter]> = [
  ['Sequential', sequential],
  ['Dense', dense],
  ['Conv2D', conv2d],
  ['DepthwiseConv2D', depthwiseConv2d],
  ['Conv2DTranspose', conv2dTranspose],
  ['BatchNorm', batchNorm],
  ['Activation', activationLayer],
  ['MaxPool2D', pool('MaxPool')],
  ['AvgPool2D', pool('AveragePool')],
  ['GlobalAvgPool2D', globalAvgPool],
  ['Flatten', flatten],
  ['Reshape', reshapeLayer],
  ['Dropout', passThrough],
  ['Identity', passThrough],
  ['Residual', residual],
  ['Concat', concatLayer],
  ['LayerNorm', layerNorm],
  ['Embedding', embedding],
  ['LSTM', lstm],
];
