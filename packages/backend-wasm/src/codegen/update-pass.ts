/**
 * One elementwise pass that computes several outputs from several inputs: an optimizer update in one
 * loop over the parameter instead of a chain of passes (SGD: 2-5 passes, Adam: 12, each reading and
 * writing whole blocks; on a 784×256 weight the chain's memory traffic was the update's cost). The
 * program is an expression per output, in the order the chain computes it, with IEEE float32 operations
 * lane by lane, so the results are bit-identical to the chain's (and to the kit's scalar loop).
 *
 * `f(in0…, out0…, pscalars, n)`: inputs and outputs are blocks of n floats, `pscalars` the float32
 * scalars the program names by index.
 */
import { type Bytes, F32, type FunctionSpec, I32, op, V128 } from './wasm-encoder.js';

export type UpdateExpr =
  | { readonly input: number }
  | { readonly scalar: number }
  /** An output computed earlier in the same element. */
  | { readonly output: number }
  | { readonly op: 'add' | 'sub' | 'mul' | 'div'; readonly a: UpdateExpr; readonly b: UpdateExpr }
  | { readonly op: 'sqrt'; readonly a: UpdateExpr };

export interface UpdateProgram {
  readonly inputs: number;
  readonly scalars: number;
  /** Output j is `outputs[j]`, evaluated in order. */
  readonly outputs: readonly UpdateExpr[];
}

const VECTOR = { add: op.f32x4Add, sub: op.f32x4Sub, mul: op.f32x4Mul, div: op.f32x4Div, sqrt: op.f32x4Sqrt };
const SCALAR = { add: op.f32Add, sub: op.f32Sub, mul: op.f32Mul, div: op.f32Div, sqrt: op.f32Sqrt };

/** The program as one exported function `update`. */
export function updateFunction(p: UpdateProgram): FunctionSpec {
  const k = p.inputs;
  const m = p.outputs.length;
  const s = p.scalars;
  const ps = k + m;
  const pn = k + m + 1;
  const i = k + m + 2;
  const vend = i + 1;
  const end = i + 2;
  const vScalar = i + 3;
  const vOut = vScalar + s;
  const fScalar = vOut + m;
  const fOut = fScalar + s;
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  const expr = (x: UpdateExpr, vector: boolean): Bytes => {
    if ('input' in x)
      return [
        ...op.localGet(x.input),
        ...op.localGet(i),
        ...op.i32Add,
        ...(vector ? op.v128Load(0) : op.f32Load(0)),
      ];
    if ('scalar' in x) return op.localGet((vector ? vScalar : fScalar) + x.scalar);
    if ('output' in x) return op.localGet((vector ? vOut : fOut) + x.output);
    const code = (vector ? VECTOR : SCALAR)[x.op];
    if (x.op === 'sqrt') return [...expr(x.a, vector), ...code];
    return [...expr(x.a, vector), ...expr(x.b, vector), ...code];
  };
  const element = (vector: boolean) => {
    p.outputs.forEach((x, j) => {
      e(op.localGet(k + j), op.localGet(i), op.i32Add, expr(x, vector));
      e(op.localTee((vector ? vOut : fOut) + j), vector ? op.v128Store(0) : op.f32Store(0));
    });
  };
  for (let j = 0; j < s; j++) {
    e(op.localGet(ps), op.v128Load32Splat(4 * j), op.localSet(vScalar + j));
    e(op.localGet(ps), op.f32Load(4 * j), op.localSet(fScalar + j));
  }
  // i is a byte offset; end = n * 4; vend = end & ~15
  e(op.localGet(pn), op.i32Const(2), op.i32Shl, op.localSet(end));
  e(op.localGet(end), op.i32Const(-16), [0x71], op.localSet(vend));
  e(op.i32Const(0), op.localSet(i));
  e(op.block, op.localGet(i), op.localGet(vend), op.i32GeU, op.brIf(0), op.loop);
  element(true);
  e(op.localGet(i), op.i32Const(16), op.i32Add, op.localTee(i), op.localGet(vend), op.i32LtU, op.brIf(0));
  e(op.end, op.end);
  e(op.block, op.localGet(i), op.localGet(end), op.i32GeU, op.brIf(0), op.loop);
  element(false);
  e(op.localGet(i), op.i32Const(4), op.i32Add, op.localTee(i), op.localGet(end), op.i32LtU, op.brIf(0));
  e(op.end, op.end);
  const locals: [number, number][] = [[3, I32]];
  if (s + m > 0) locals.push([s + m, V128], [s + m, F32]);
  return { name: 'update', params: new Array<number>(k + m + 2).fill(I32), locals, body: b };
}
