/** `dendrite summary <model>`: layers, output shapes, parameters and MACs of an architecture. */
import { createArchitecture, formatSummary, type ModelSummary, summary } from '@dendrite/architectures';

export interface SummaryOptions {
  readonly classes?: number;
  /** One example's shape (`[224, 224, 3]`); each architecture has a default. */
  readonly input?: number[];
}

/** The summary of the architecture called `name` (built with zero kernels: only its structure counts). */
export function summarizeArchitecture(name: string, options: SummaryOptions = {}): ModelSummary {
  const arch = createArchitecture(name, {
    classes: options.classes,
    input: options.input,
    kernelInitializer: 'zeros',
  });
  try {
    return { ...summary(arch.model, [1, ...arch.inputShape]), model: name };
  } finally {
    arch.model.dispose();
  }
}

/** What `--json` prints: the totals, then one line per layer. */
export function summaryJson(s: ModelSummary): string {
  const head = {
    model: s.model,
    params: s.params,
    macs: s.macs,
    outputShape: s.outputShape,
    inputShape: s.inputShape,
    trainableParams: s.trainableParams,
    bufferElements: s.bufferElements,
  };
  const fields = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  const layers = s.layers.map((l, i) => {
    const row = { name: l.path, kind: l.kind, outputShape: l.outputShape, params: l.params, macs: l.macs };
    return `    ${JSON.stringify(row)}${i + 1 < s.layers.length ? ',' : ''}`;
  });
  return ['{', ...fields, '  "layers": [', ...layers, '  ]', '}'].join('\n');
}

export { formatSummary };
