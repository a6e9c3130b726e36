/**
 * What to tell a user whose PyTorch state dict does not fit a module: which `prefixes` would make the
 * names line up, whether the file is PyTorch's at all, or Dendrite's own. Every hint is checked against
 * the tensors present (names and PyTorch shapes), so a suggestion, once applied, maps every tensor.
 */
import type { Shape } from '@dendrite/core';

/** The PyTorch tensors one Dendrite module reads (names relative to its prefix) and their shapes. */
export interface ModuleNeeds {
  readonly path: string;
  readonly sources: readonly { readonly name: string; readonly shape: Shape }[];
}

/** PyTorch's own parameter and buffer names (`nn.Linear`, `nn.Conv*`, `nn.BatchNorm*`, `nn.LSTM`…). */
const TORCH_NAME =
  /(^|\.)(weight|bias|running_mean|running_var|num_batches_tracked|(weight|bias)_(ih|hh)_l\d+)$/;

/** Names only PyTorch gives (Dendrite says kernel, runningMean…): one of them among a module's keys means
 * the module itself is named the PyTorch way. */
const TORCH_ONLY_NAME =
  /(^|\.)(weight|running_mean|running_var|num_batches_tracked|(weight|bias)_(ih|hh)_l\d+)$/;

/** True when a module's own tensor names include PyTorch-only ones (a module ported with PyTorch names). */
export function hasPyTorchOnlyNames(keys: readonly string[]): boolean {
  return keys.some((k) => TORCH_ONLY_NAME.test(k));
}

/** True when the keys read like a PyTorch `state_dict()` (most end in `weight`, `bias`, `running_*`…). */
export function looksLikePyTorchKeys(keys: readonly string[]): boolean {
  return keys.length > 0 && keys.filter((k) => TORCH_NAME.test(k)).length * 2 >= keys.length;
}

/** `a.10.b` after `a.2.b`: dotted names compared part by part, numbers as numbers. */
function naturalCompare(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] === pb[i]) continue;
    const na = Number(pa[i]);
    const nb = Number(pb[i]);
    if (Number.isInteger(na) && Number.isInteger(nb)) return na - nb;
    return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}

const sameShape = (a: Shape, b: Shape) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * A `prefixes` map (Dendrite module path → PyTorch prefix) for the modules in `needs`, from the PyTorch
 * tensors nothing read yet (`unused`: name → shape). A prefix fits a module when every tensor the module
 * reads is there under it with the shape it needs. Modules are matched in order to prefixes in natural
 * order (PyTorch's `nn.Sequential` numbers its children, activations included: `0`, `2`, `4`), so the map
 * follows the architecture. Modules no prefix fits are left out.
 */
export function suggestPrefixes(
  needs: readonly ModuleNeeds[],
  unused: ReadonlyMap<string, Shape>,
): Record<string, string> {
  const fits = (prefix: string, need: ModuleNeeds) =>
    need.sources.every(({ name, shape }) => {
      const found = unused.get(prefix ? `${prefix}.${name}` : name);
      return found !== undefined && sameShape(found, shape);
    });
  const candidates = new Set<string>();
  for (const need of needs) {
    for (const { name } of need.sources) {
      for (const key of unused.keys()) {
        if (key === name) candidates.add('');
        else if (key.endsWith(`.${name}`)) candidates.add(key.slice(0, -name.length - 1));
      }
    }
  }
  const ordered = [...candidates].sort(naturalCompare);
  const taken = new Set<string>();
  const out: Record<string, string> = {};
  let last = -1;
  for (const need of needs) {
    if (need.sources.length === 0) continue;
    const fitting = ordered.map((p, i) => [p, i] as const).filter(([p]) => !taken.has(p) && fits(p, need));
    const pick = fitting.find(([, i]) => i > last) ?? fitting[0];
    if (!pick) continue;
    taken.add(pick[0]);
    last = pick[1];
    if (pick[0] !== need.path) out[need.path] = pick[0];
  }
  return out;
}

/** `{ '1': '2', conv1: 'features.0' }`, as a user would type it. */
export function formatPrefixes(prefixes: Readonly<Record<string, string>>): string {
  const entries = Object.entries(prefixes).map(
    ([path, prefix]) => `${/^[A-Za-z_$][\w$]*$/.test(path) ? path : `'${path}'`}: '${prefix}'`,
  );
  return `{ ${entries.join(', ')} }`;
}
