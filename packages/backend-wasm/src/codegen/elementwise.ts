/**
 * Elementwise float32 passes emitted as WebAssembly SIMD: a op b over two blocks, a op s with one value,
 * sqrt and square. The optimizer updates are chains of these; XNNPACK's binary kernels create, run and
 * delete an operator per call, which costs more than the pass itself on the parameter sizes of a layer.
 * IEEE float32 arithmetic lane by lane, so results are bit-identical to XNNPACK's and to scalar code.
 */
import { type Bytes, F32, type FunctionSpec, I32, op, V128 } from './wasm-encoder.js';

export type ElementwiseBinary = 'add' | 'sub' | 'mul' | 'div';
export type ElementwiseUnary = 'sqrt' | 'square';

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
    fns.push({
      ...pass(
        `${o}_s`,
        () => [...at(P.pa, op.v128Load), ...op.localGet(L.s + 1), ...VECTOR[o]],
        () => [...at(P.pa, op.f32Load), ...op.localGet(L.s), ...SCALAR[o]],
        preamble,
      ),
      locals: [
        [3, I32],
        [1, F32],
        [1, V128],
      ],
    });
  }
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
