/**
 * Optimizer updates (SGD with momentum / Nesterov / weight decay; Adam, AdamW, AMSGrad), PyTorch's rules
 * exactly as core's default composes them, but as a chain of SIMD elementwise passes over the heap
 * (multiply, add, subtract, divide, square, sqrt; scalars as one-element blocks), with no tensors made in
 * between: emitted passes on SIMD builds (codegen/elementwise.ts), the module's XNNPACK kernels on the
 * plain one. An XNNPACK pass cost about 0.13 ms per million floats against 1.4 ms or more for any
 * TypeScript loop (the fused TypeScript SGD loop ran 4 ns per element); an emitted pass saves XNNPACK's
 * operator set-up per call as well. Every step rounds to float32
 * where the unfused ops do. New blocks are written: inputs are never mutated, so no cached XNNPACK
 * operator can ever see a weight change under an old id.
 */
import type { OptimizerHyper, OptimizerKind } from '@dendrite/core';
import * as kit from '@dendrite/core/kit';
import type { KernelScope } from '../runtime/runtime.js';
import type { WasmData } from '../runtime/wasm-data.js';

/** The emitted pass (codegen/elementwise.ts) for each of the module's kernels used here. */
const EMITTED: Record<string, string> = { Add: 'add', Sub: 'sub', Multiply: 'mul', RealDiv: 'div' };

/**
 * Elementwise passes over blocks of `n` floats; `s` arguments are scalars. SIMD builds run them as
 * emitted passes (one loop each, no operator set-up per call), the plain build on the module's kernels.
 */
class Passes {
  private readonly scalars = new Map<number, WasmData>();
  private readonly shape: number;
  private readonly one: number;

  constructor(
    private readonly k: KernelScope,
    private readonly n: number,
  ) {
    this.shape = k.ints([n]);
    this.one = k.ints([1]);
  }

  private scalar(v: number): WasmData {
    const f = Math.fround(v);
    let s = this.scalars.get(f);
    if (!s) {
      s = this.k.temp('float32', 1);
      this.k.f32(s)[0] = f;
      this.scalars.set(f, s);
    }
    return s;
  }

  temp(): WasmData {
    return this.k.temp('float32', this.n);
  }

  private binary(name: string, a: WasmData, b: WasmData, bScalar: boolean, out: WasmData): WasmData {
    const emitted = this.k.instance.emitted;
    if (emitted) {
      emitted.elementwise()[`${EMITTED[name]}_${bScalar ? 's' : 'v'}`](a.ptr, b.ptr, out.ptr, this.n);
      return out;
    }
    // The argument area is a ring: shapes are re-read from their fixed slots on every call.
    this.k.callSized(
      this.n,
      name,
      a.cid,
      this.shape,
      1,
      b.cid,
      bScalar ? this.one : this.shape,
      1,
      0,
      out.cid,
    );
    return out;
  }

  add(a: WasmData, b: WasmData, out: WasmData): WasmData {
    return this.binary('Add', a, b, false, out);
  }
  sub(a: WasmData, b: WasmData, out: WasmData): WasmData {
    return this.binary('Sub', a, b, false, out);
  }
  div(a: WasmData, b: WasmData, out: WasmData): WasmData {
    return this.binary('RealDiv', a, b, false, out);
  }
  mulS(a: WasmData, s: number, out: WasmData): WasmData {
    return this.binary('Multiply', a, this.scalar(s), true, out);
  }
  divS(a: WasmData, s: number, out: WasmData): WasmData {
    return this.binary('RealDiv', a, this.scalar(s), true, out);
  }
  addS(a: WasmData, s: number, out: WasmData): WasmData {
    return this.binary('Add', a, this.scalar(s), true, out);
  }
  unary(name: 'Square' | 'Sqrt', a: WasmData, out: WasmData): WasmData {
    const emitted = this.k.instance.emitted;
    if (emitted) emitted.elementwise()[name === 'Square' ? 'square' : 'sqrt'](a.ptr, 0, out.ptr, this.n);
    else this.k.callSized(this.n, name, a.cid, 0, out.cid);
    return out;
  }
  copy(a: WasmData, out: WasmData): WasmData {
    this.k.f32(out).set(this.k.f32(a));
    return out;
  }
}

export function sgdKernel(
  k: KernelScope,
  param: WasmData,
  grad: WasmData,
  momentumBuf: WasmData | null,
  h: OptimizerHyper,
  outParam: WasmData,
  outBuf: WasmData | null,
): void {
  const n = param.size;
  if (n === 0) return;
  const x = new Passes(k, n);
  const t = x.temp();
  const wd = h.weightDecay ?? 0;
  const momentum = h.momentum ?? 0;
  let d = grad;
  if (wd !== 0) d = x.add(grad, x.mulS(param, wd, t), x.temp());
  if (momentum > 0 && outBuf) {
    if (h.firstStep) x.copy(d, outBuf);
    else x.add(x.mulS(momentumBuf!, momentum, outBuf), x.mulS(d, 1 - (h.dampening ?? 0), t), outBuf);
    d = h.nesterov ? x.add(d, x.mulS(outBuf, momentum, t), x.temp()) : outBuf;
  }
  x.sub(param, x.mulS(d, h.lr, t), outParam);
}

export function adamKernel(
  k: KernelScope,
  param: WasmData,
  grad: WasmData,
  state: readonly WasmData[],
  h: OptimizerHyper,
  outParam: WasmData,
  outState: readonly WasmData[],
): void {
  const n = param.size;
  if (n === 0) return;
  const x = new Passes(k, n);
  const b1 = h.beta1 ?? 0.9;
  const b2 = h.beta2 ?? 0.999;
  const t = h.step ?? 1;
  const wd = h.weightDecay ?? 0;
  const [m0, v0, vmax0] = state;
  const [m, v, vmax] = outState;
  const t1 = x.temp();
  const t2 = x.temp();
  let p = param;
  let g = grad;
  if (wd !== 0) {
    if (h.decoupledWeightDecay) p = x.mulS(param, 1 - h.lr * wd, x.temp());
    else g = x.add(grad, x.mulS(param, wd, t1), x.temp());
  }
  x.add(x.mulS(m0, b1, m), x.mulS(g, 1 - b1, t1), m);
  x.add(x.mulS(v0, b2, v), x.mulS(x.unary('Square', g, t1), 1 - b2, t1), v);
  let vUse = v;
  if (h.amsgrad) {
    // maximum keeping NaN (as the unfused op does); the module's Maximum does not.
    kit.binary('maximum', k.f32(vmax0), [n], k.f32(v), [n], k.f32(vmax), [n]);
    vUse = vmax;
  }
  // PyTorch adds eps after bias-correcting the root: sqrt(v) / sqrt(bc2) + eps.
  const denom = x.addS(x.divS(x.unary('Sqrt', vUse, t1), Math.sqrt(1 - b2 ** t), t1), h.eps ?? 1e-8, t1);
  x.sub(p, x.mulS(x.div(m, denom, t2), h.lr / (1 - b1 ** t), t2), outParam);
}

/** Parameters smaller than this update in the kit's single loop, larger ones in the chain of passes. */
const LOOP_UPDATE_BELOW = 4096;

/** One optimizer step: the kit's loop for small parameters, the SIMD chain above for large ones. */
export function optimizerKernel(
  k: KernelScope,
  kind: OptimizerKind,
  param: WasmData,
  grad: WasmData,
  state: readonly WasmData[],
  h: OptimizerHyper,
  outParam: WasmData,
  outState: readonly WasmData[],
): void {
  if (param.size < LOOP_UPDATE_BELOW) {
    const f32 = (d: WasmData) => k.f32(d);
    if (kind === 'sgd')
      kit.sgdUpdate(
        f32(param),
        f32(grad),
        state[0] ? f32(state[0]) : null,
        h,
        f32(outParam),
        outState[0] ? f32(outState[0]) : null,
      );
    else kit.adamUpdate(f32(param), f32(grad), state.map(f32), h, f32(outParam), outState.map(f32));
  } else if (kind === 'sgd') {
    sgdKernel(k, param, grad, state[0] ?? null, h, outParam, outState[0] ?? null);
  } else {
    adamKernel(k, param, grad, state, h, outParam, outState);
  }
}
