/**
 * A strided copy of `rows` runs of `runBytes` (a multiple of 4) from src to dst, emitted as WebAssembly:
 * 16 bytes a step, then 4. It is concat and slice along the channel axis of NHWC (DenseNet appends 12
 * channels to every pixel per layer): the kit's loop made one `subarray` and `set` per pixel.
 *
 * `copy_rows(psrc, srcStride, pdst, dstStride, runBytes, rows)`, strides in bytes.
 */
import { type Bytes, type FunctionSpec, I32, op } from './wasm-encoder.js';

const P = { src: 0, srcStride: 1, dst: 2, dstStride: 3, run: 4, rows: 5 };
const L = { r: 6, j: 7, end16: 8 };

export function copyRowsFunction(): FunctionSpec {
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  const at = (base: number) => [...op.localGet(base), ...op.localGet(L.j), ...op.i32Add];
  const stepJ = (bytes: number, limit: number) => [
    ...op.localGet(L.j),
    ...op.i32Const(bytes),
    ...op.i32Add,
    ...op.localTee(L.j),
    ...op.localGet(limit),
    ...op.i32LtU,
    ...op.brIf(0),
  ];
  e(op.localGet(P.run), op.i32Const(-16), [0x71], op.localSet(L.end16));
  e(op.i32Const(0), op.localSet(L.r));
  e(op.block, op.localGet(L.r), op.localGet(P.rows), op.i32GeU, op.brIf(0), op.loop);
  e(op.i32Const(0), op.localSet(L.j));
  e(op.block, op.localGet(L.j), op.localGet(L.end16), op.i32GeU, op.brIf(0), op.loop);
  e(at(P.dst), at(P.src), op.v128Load(0), op.v128Store(0), stepJ(16, L.end16), op.end, op.end);
  e(op.block, op.localGet(L.j), op.localGet(P.run), op.i32GeU, op.brIf(0), op.loop);
  e(at(P.dst), at(P.src), op.i32Load(0), op.i32Store(0), stepJ(4, P.run), op.end, op.end);
  e(op.localGet(P.src), op.localGet(P.srcStride), op.i32Add, op.localSet(P.src));
  e(op.localGet(P.dst), op.localGet(P.dstStride), op.i32Add, op.localSet(P.dst));
  e(
    op.localGet(L.r),
    op.i32Const(1),
    op.i32Add,
    op.localTee(L.r),
    op.localGet(P.rows),
    op.i32LtU,
    op.brIf(0),
  );
  e(op.end, op.end);
  return { name: 'copy_rows', params: [I32, I32, I32, I32, I32, I32], locals: [[3, I32]], body: b };
}
