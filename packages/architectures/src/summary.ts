/**
 * `summary(model, inputShape)`: every layer of a model with its output shape, parameter count and
 * multiply-accumulates, and the totals, computed from shapes alone (nothing runs). Counting follows
 * `Module.describe`: MACs of convolutions and linear layers only (output elements × inputs per output),
 * BatchNorm's running statistics are buffers, not parameters. `formatSummary` prints it as a table.
 */
import { ArgumentError, type Shape } from '@dendrite/core';
import type { LayerDescription, Module } from '@dendrite/layers';

export interface SummaryRow {
  /** Dotted path from the model (`layer1.0.conv1`), as in `stateDict()` names. */
  readonly path: string;
  readonly kind: string;
  /** Nesting depth (1 for the model's direct children). */
  readonly depth: number;
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  readonly params: number;
  readonly trainableParams: number;
  readonly macs: number;
}

export interface ModelSummary {
  /** The model's name (or its kind when unnamed). */
  readonly model: string;
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  readonly params: number;
  readonly trainableParams: number;
  readonly nonTrainableParams: number;
  /** Elements of buffers such as BatchNorm's running statistics (not parameters). */
  readonly bufferElements: number;
  readonly macs: number;
  /** The leaf layers (those without children), in the order they run. */
  readonly layers: readonly SummaryRow[];
}

function leaves(d: LayerDescription, prefix: string, depth: number, out: SummaryRow[]): void {
  for (const child of d.children) {
    const path = prefix ? `${prefix}.${child.name}` : child.name;
    if (child.children.length === 0) {
      out.push({
        path,
        kind: child.kind,
        depth: depth + 1,
        inputShape: child.inputShape,
        outputShape: child.outputShape,
        params: child.params,
        trainableParams: child.trainableParams,
        macs: child.macs,
      });
    } else {
      leaves(child, path, depth + 1, out);
    }
  }
}

/** The summary of `model` for an input of `inputShape` (batch axis included, e.g. `[1, 224, 224, 3]`). */
export function summary(model: Module, inputShape: Shape): ModelSummary {
  if (!Array.isArray(inputShape) || inputShape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ArgumentError(
      'summary',
      `inputShape must be non-negative integers, got ${JSON.stringify(inputShape)}`,
    );
  }
  const d = model.describe(inputShape);
  const layers: SummaryRow[] = [];
  if (d.children.length === 0) {
    layers.push({
      path: model.name || model.kind,
      kind: d.kind,
      depth: 0,
      inputShape: d.inputShape,
      outputShape: d.outputShape,
      params: d.params,
      trainableParams: d.trainableParams,
      macs: d.macs,
    });
  } else {
    leaves(d, '', 0, layers);
  }
  return {
    model: model.name || model.kind,
    inputShape: d.inputShape,
    outputShape: d.outputShape,
    params: d.params,
    trainableParams: d.trainableParams,
    nonTrainableParams: d.params - d.trainableParams,
    bufferElements: d.bufferElements,
    macs: d.macs,
    layers,
  };
}

const grouped = (n: number) => n.toLocaleString('en-US');

/** 1814073344 -> '1.81 G'. */
export function humanCount(n: number): string {
  for (const [unit, size] of [
    ['T', 1e12],
    ['G', 1e9],
    ['M', 1e6],
    ['k', 1e3],
  ] as const) {
    if (Math.abs(n) >= size) return `${(n / size).toFixed(2)} ${unit}`;
  }
  return String(n);
}

/** A printable table: one row per layer, then the totals. */
export function formatSummary(s: ModelSummary): string {
  const header = ['Layer (type)', 'Output shape', 'Params', 'MACs'];
  const rows = s.layers.map((r) => [
    `${r.path} (${r.kind})`,
    `[${r.outputShape.join(', ')}]`,
    grouped(r.params),
    grouped(r.macs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const rule = '-'.repeat(widths.reduce((n, w) => n + w, 0) + 2 * (widths.length - 1));
  return [
    `Model: ${s.model}    input [${s.inputShape.join(', ')}] -> output [${s.outputShape.join(', ')}]`,
    rule.replace(/-/g, '='),
    line(header),
    rule,
    ...rows.map(line),
    rule.replace(/-/g, '='),
    `Total params:         ${grouped(s.params)} (${humanCount(s.params)})`,
    `Trainable params:     ${grouped(s.trainableParams)}`,
    `Non-trainable params: ${grouped(s.nonTrainableParams)}`,
    `Buffer elements:      ${grouped(s.bufferElements)} (BatchNorm running statistics and counters: not parameters)`,
    `Multiply-accumulates: ${grouped(s.macs)} (${humanCount(s.macs)}, convolutions and linear layers)`,
  ].join('\n');
}
