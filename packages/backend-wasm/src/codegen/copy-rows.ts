/**
 * A strided copy of `rows` runs of `runBytes` (a multiple of 4) from src to dst, emitted as WebAssembly:
 * 16 bytes a step, then 4. It is concat and slice along the channel axis of NHWC (DenseNet appends 12
 * channels to every pixel per layer): the kit's loop made one `subarray` and `set` per pixel.
 *
 * `copy_rows(psrc, srcStride, pdst, dstStride, runBytes, rows)`, strides in bytes.
 */
import { countedLoop, roundDown, simdThenScalarLoop } from './simd-loop.js';
import { type Bytes, type FunctionSpec, I32, op } from './wasm-encoder.js';

const P = { src: 0, srcStride: 1, dst: 2, dstStride: 3, run: 4, rows: 5 };
const L = { r: 6, j: 7, end16: 8 };

export function copyRowsFunction(): FunctionSpec {
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  const at = (base: number) => [...op.localGet(base), ...op.localGet(L.j), ...op.i32Add];
  e(roundDown(P.run, 16, L.end16));
  e(op.i32Const(0), op.localSet(L.r));
  const row = simdThenScalarLoop({
    counter: L.j,
    vectorEnd: L.end16,
    end: P.run,
    vectorBody: [...at(P.dst), ...at(P.src), ...op.v128Load(0), ...op.v128Store(0)],
    scalarBody: [...at(P.dst), ...at(P.src), ...op.i32Load(0), ...op.i32Store(0)],
  });
  const stride = (ptr: number, by: number) =>
    [op.localGet(ptr), op.localGet(by), op.i32Add, op.localSet(ptr)].flat();
  const body = [
    op.i32Const(0),
    op.localSet(L.j),
    row,
    stride(P.src, P.srcStride),
    stride(P.dst, P.dstStride),
  ];
  e(countedLoop({ counter: L.r, limit: P.rows, step: 1, body: body.flat() }));
  return { name: 'copy_rows', params: [I32, I32, I32, I32, I32, I32], locals: [[3, I32]], body: b };
}
