/**
 * Elementwise float32 passes emitted as WebAssembly SIMD: a op b over two blocks, a op s with one value
 * (and s - a, s / a), sqrt and square. The optimizer updates are chains of these; XNNPACK's binary kernels create, run and
 * delete an operator per call, which costs more than the pass itself on the parameter sizes of a layer.
 * IEEE float32 arithmetic lane by lane, so results are bit-identical to XNNPACK's and to scalar code.
 */
import { tanhFunction } from './tanh.js';
import { type Bytes, F32, type FunctionSpec, I32, op, V128 } from './wasm-encoder.js';

export type ElementwiseBinary = 'add' | 'sub' | 'mul' | 'div';
export type ElementwiseUnary = 'sqrt' | 'square';
export type ElementwiseCompare = 'greater' | 'greaterEqual' | 'less' | 'lessEqual' | 'equal' | 'notEqual';

const COMPARE_VECTOR: Record<ElementwiseCompare, Bytes> = {
  greater: op.f32x4Gt,
  greaterEqual: op.f32x4Ge,
  less: op.f32x4Lt,
  lessEqual: op.f32x4Le,
  equal: op.f32x4Eq,
  notEqual: op.f32x4Ne,
};
const COMPARE_SCALAR: Record<ElementwiseCompare, Bytes> = {
  greater: op.f32Gt,
  greaterEqual: op.f32Ge,
  less: op.f32Lt,
  lessEqual: op.f32Le,
  equal: op.f32Eq,
  notEqual: op.f32Ne,
};

const VECTOR: Record<ElementwiseBinary, Bytes> = {
  add: op.f32x4Add,
  sub: op.f32x4Sub,
  mul: op.f32x4Mul,
  div: op.f32x4Div,
};
const SCALAR: Record<ElementwiseBinary, Bytes> = {
  add: op.f32Add,
  sub: op.f32Sub,
  mul: op.f32Mul,
  div: op.f32Div,
};

// f(pa, pb, pout, n): pb is the second block, or the address of the one value (`_s` variants); unused by
// unary ones. Locals: i (byte offset), end of the vector part, end.
const P = { pa: 0, pb: 1, pout: 2, n: 3 };
const L = { i: 4, vend: 5, end: 6, s: 7 };

/** `vector(i)` leaves the four-lane result for byte offset i; `scalar(i)` the one-lane result. */
function pass(name: string, vector: () => Bytes, scalar: () => Bytes, preamble: Bytes = []): FunctionSpec {
  const b: Bytes = [...preamble];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  // end = n * 4; vend = end & ~15
  e(op.localGet(P.n), op.i32Const(2), op.i32Shl, op.localSet(L.end));
  e(op.localGet(L.end), op.i32Const(-16), [0x71], op.localSet(L.vend));
  e(op.i32Const(0), op.localSet(L.i));
  e(op.block, op.localGet(L.i), op.localGet(L.vend), op.i32GeU, op.brIf(0), op.loop);
  e(op.localGet(P.pout), op.localGet(L.i), op.i32Add, vector(), op.v128Store(0));
  e(
    op.localGet(L.i),
    op.i32Const(16),
    op.i32Add,
    op.localTee(L.i),
    op.localGet(L.vend),
    op.i32LtU,
    op.brIf(0),
  );
  e(op.end, op.end);
  e(op.block, op.localGet(L.i), op.localGet(L.end), op.i32GeU, op.brIf(0), op.loop);
  e(op.localGet(P.pout), op.localGet(L.i), op.i32Add, scalar(), op.f32Store(0));
  e(op.localGet(L.i), op.i32Const(4), op.i32Add, op.localTee(L.i), op.localGet(L.end), op.i32LtU, op.brIf(0));
  e(op.end, op.end);
  return {
    name,
    params: [I32, I32, I32, I32],
    locals: [
      [3, I32],
      [1, V128],
      [1, F32],
    ],
    body: b,
  };
}

const at = (ptr: number, load: (offset: number) => Bytes) => [
  ...op.localGet(ptr),
  ...op.localGet(L.i),
  ...op.i32Add,
  ...load(0),
];

/**
 * A float32 comparison writing bool bytes (0/1), branch-free: 16 elements per step, four f32x4
 * comparisons narrowed to one i8x16 of -1/0 and masked to 1/0. A data-dependent branch per element (a
 * JavaScript loop) mispredicts on ReLU's `y > 0` of real activations: 3× slower there.
 * f(pa, pb, pout, n), pb the second block or the one value (`_s`).
 */
function comparePass(name: string, cmp: ElementwiseCompare, scalar: boolean): FunctionSpec {
  const i = 4;
  const vend = 5;
  const end = 6;
  const sv = 7; // v128: the value in four lanes
  const s1 = 8; // f32: the value
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  // i counts elements; vend = n & ~15
  if (scalar)
    e(
      op.localGet(P.pb),
      op.v128Load32Splat(0),
      op.localSet(sv),
      op.localGet(P.pb),
      op.f32Load(0),
      op.localSet(s1),
    );
  e(op.localGet(P.n), op.i32Const(-16), [0x71], op.localSet(vend), op.localGet(P.n), op.localSet(end));
  e(op.i32Const(0), op.localSet(i));
  const lhs = (q: number) => [
    ...op.localGet(P.pa),
    ...op.localGet(i),
    ...op.i32Const(2),
    ...op.i32Shl,
    ...op.i32Add,
    ...op.v128Load(q * 16),
  ];
  const rhs = (q: number) =>
    scalar
      ? op.localGet(sv)
      : [
          ...op.localGet(P.pb),
          ...op.localGet(i),
          ...op.i32Const(2),
          ...op.i32Shl,
          ...op.i32Add,
          ...op.v128Load(q * 16),
        ];
  e(op.block, op.localGet(i), op.localGet(vend), op.i32GeU, op.brIf(0), op.loop);
  e(op.localGet(P.pout), op.localGet(i), op.i32Add);
  e(lhs(0), rhs(0), COMPARE_VECTOR[cmp], lhs(1), rhs(1), COMPARE_VECTOR[cmp], op.i16x8NarrowI32x4S);
  e(lhs(2), rhs(2), COMPARE_VECTOR[cmp], lhs(3), rhs(3), COMPARE_VECTOR[cmp], op.i16x8NarrowI32x4S);
  e(op.i8x16NarrowI16x8S, op.i32Const(1), op.i8x16Splat, op.v128And, op.v128Store(0));
  e(op.localGet(i), op.i32Const(16), op.i32Add, op.localTee(i), op.localGet(vend), op.i32LtU, op.brIf(0));
  e(op.end, op.end);
  e(op.block, op.localGet(i), op.localGet(end), op.i32GeU, op.brIf(0), op.loop);
  e(op.localGet(P.pout), op.localGet(i), op.i32Add);
  e(op.localGet(P.pa), op.localGet(i), op.i32Const(2), op.i32Shl, op.i32Add, op.f32Load(0));
  if (scalar) e(op.localGet(s1));
  else e(op.localGet(P.pb), op.localGet(i), op.i32Const(2), op.i32Shl, op.i32Add, op.f32Load(0));
  e(COMPARE_SCALAR[cmp], op.i32Store8(0));
  e(op.localGet(i), op.i32Const(1), op.i32Add, op.localTee(i), op.localGet(end), op.i32LtU, op.brIf(0));
  e(op.end, op.end);
  return {
    name,
    params: [I32, I32, I32, I32],
    locals: [
      [3, I32],
      [1, V128],
      [1, F32],
    ],
    body: b,
  };
}

/**
 * fusedActivationGrad, `dy · act'(z)` through y (pa = dy, pb = y): the slope and the product in the order
 * and rounding of core's composition (ops/fused/activation-gradient.ts), so bit-identical to it; relu's
 * and relu6's slope is the comparison mask ANDed with 1.0 (branch-free), then a product, as dy · 0 or 1.
 */
export const ACTIVATION_GRAD_PASSES = ['relu', 'relu6', 'sigmoid', 'tanh'] as const;

function activationGradPass(activation: (typeof ACTIVATION_GRAD_PASSES)[number]): FunctionSpec {
  const dyV = () => at(P.pa, op.v128Load);
  const yV = () => at(P.pb, op.v128Load);
  const dyS = () => at(P.pa, op.f32Load);
  const yS = () => at(P.pb, op.f32Load);
  const one = [...op.f32Const(1), ...op.f32x4Splat];
  const vector: Record<typeof activation, () => Bytes> = {
    relu: () => [...dyV(), ...yV(), ...op.v128Zero, ...op.f32x4Gt, ...one, ...op.v128And, ...op.f32x4Mul],
    relu6: () => [
      ...dyV(),
      ...yV(),
      ...op.v128Zero,
      ...op.f32x4Gt,
      ...yV(),
      ...op.f32Const(6),
      ...op.f32x4Splat,
      ...op.f32x4Lt,
      ...op.v128And,
      ...one,
      ...op.v128And,
      ...op.f32x4Mul,
    ],
    sigmoid: () => [...dyV(), ...yV(), ...one, ...yV(), ...op.f32x4Sub, ...op.f32x4Mul, ...op.f32x4Mul],
    tanh: () => [...dyV(), ...one, ...yV(), ...yV(), ...op.f32x4Mul, ...op.f32x4Sub, ...op.f32x4Mul],
  };
  const scalar: Record<typeof activation, () => Bytes> = {
    relu: () => [...dyS(), ...yS(), ...op.f32Const(0), ...op.f32Gt, ...op.f32ConvertI32U, ...op.f32Mul],
    relu6: () => [
      ...dyS(),
      ...yS(),
      ...op.f32Const(0),
      ...op.f32Gt,
      ...yS(),
      ...op.f32Const(6),
      ...op.f32Lt,
      ...op.i32And,
      ...op.f32ConvertI32U,
      ...op.f32Mul,
    ],
    sigmoid: () => [...dyS(), ...yS(), ...op.f32Const(1), ...yS(), ...op.f32Sub, ...op.f32Mul, ...op.f32Mul],
    tanh: () => [...dyS(), ...op.f32Const(1), ...yS(), ...yS(), ...op.f32Mul, ...op.f32Sub, ...op.f32Mul],
  };
  return pass(`actgrad_${activation}`, vector[activation], scalar[activation]);
}

/** Every pass, as the functions of one module. */
export function elementwiseFunctions(): FunctionSpec[] {
  const fns: FunctionSpec[] = [];
  for (const o of Object.keys(VECTOR) as ElementwiseBinary[]) {
    fns.push(
      pass(
        `${o}_v`,
        () => [...at(P.pa, op.v128Load), ...at(P.pb, op.v128Load), ...VECTOR[o]],
        () => [...at(P.pa, op.f32Load), ...at(P.pb, op.f32Load), ...SCALAR[o]],
      ),
    );
    // The value is loaded once, before the loops (local 8, four lanes; local 7, one).
    const preamble = [
      ...op.localGet(P.pb),
      ...op.v128Load32Splat(0),
      ...op.localSet(L.s + 1),
      ...op.localGet(P.pb),
      ...op.f32Load(0),
      ...op.localSet(L.s),
    ];
    const scalarLocals: FunctionSpec['locals'] = [
      [3, I32],
      [1, F32],
      [1, V128],
    ];
    fns.push({
      ...pass(
        `${o}_s`,
        () => [...at(P.pa, op.v128Load), ...op.localGet(L.s + 1), ...VECTOR[o]],
        () => [...at(P.pa, op.f32Load), ...op.localGet(L.s), ...SCALAR[o]],
        preamble,
      ),
      locals: scalarLocals,
    });
    // value op a, for the ops that do not commute (`1 - y` of the sigmoid's and tanh's gradients).
    if (o === 'sub' || o === 'div') {
      fns.push({
        ...pass(
          `${o}_r`,
          () => [...op.localGet(L.s + 1), ...at(P.pa, op.v128Load), ...VECTOR[o]],
          () => [...op.localGet(L.s), ...at(P.pa, op.f32Load), ...SCALAR[o]],
          preamble,
        ),
        locals: scalarLocals,
      });
    }
  }
  for (const cmp of Object.keys(COMPARE_VECTOR) as ElementwiseCompare[]) {
    fns.push(comparePass(`${cmp}_v`, cmp, false), comparePass(`${cmp}_s`, cmp, true));
  }
  for (const activation of ACTIVATION_GRAD_PASSES) fns.push(activationGradPass(activation));
  fns.push(tanhFunction());
  fns.push(
    pass(
      'sqrt',
      () => [...at(P.pa, op.v128Load), ...op.f32x4Sqrt],
      () => [...at(P.pa, op.f32Load), ...op.f32Sqrt],
    ),
  );
  fns.push(
    pass(
      'square',
      () => [...at(P.pa, op.v128Load), ...at(P.pa, op.v128Load), ...op.f32x4Mul],
      () => [...at(P.pa, op.f32Load), ...at(P.pa, op.f32Load), ...op.f32Mul],
    ),
  );
  return fns;
}
