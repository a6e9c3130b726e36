/**
 * What the emitted pooling passes over windows that tile the input share (avg-pool.ts,
 * avg-pool-grad.ts, max-pool-grad.ts): the geometry (stride = window, no padding, NHWC) and the loop
 * nest that walks it — images [u0, u1) as a shaped kernel's units (EmittedKernels.shareShaped), output
 * rows, output columns, then four channels at a time, the last vector overlapping the one before it when
 * c is not a multiple of 4 (it stores the same bits). Only the body for one window's four channels
 * differs between the passes.
 */
import { GEMM_COLS } from './gemm.js';
import { type Bytes, op } from './wasm-encoder.js';

/** One tiling-window geometry an emitted pass is specialised to. */
export interface TilingWindowShape {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly kh: number;
  readonly kw: number;
  readonly oh: number;
  readonly ow: number;
}

/** A pass's kernel key: its prefix, then the geometry. */
export function tilingWindowKey(prefix: string, s: TilingWindowShape): string {
  return `${prefix}:${s.h},${s.w},${s.c},${s.kh},${s.kw},${s.oh},${s.ow}`;
}

/** Byte offset of window element j (row-major) from the window's first element. */
export function windowElementAt(s: TilingWindowShape, j: number): number {
  return (Math.floor(j / s.kw) * s.w + (j % s.kw)) * s.c * 4;
}

/** Locals and parameters of the nest (the GEMM signature's u0 and u1 are parameters 4 and 5). */
export interface TilingWindowNest {
  readonly u0: number;
  readonly u1: number;
  readonly img: number;
  readonly oy: number;
  readonly ox: number;
  /** Byte offset of the current four channels in a pixel; the body adds it to the pointers below. */
  readonly cb: number;
  /** The `[n, h, w, c]` tensors, walked window by window: the parameter holding its address, a local
   * for the current row of windows and one for the current window. */
  readonly windowed: readonly { readonly base: number; readonly row: number; readonly win: number }[];
  /** The `[n, oh, ow, c]` tensor, walked pixel by pixel. */
  readonly pixel: { readonly base: number; readonly at: number };
}

const i32DivU = [0x6e];

/**
 * Emits the nest around `body` (four channels of one window, at `cb`). Input rows or columns past the
 * last window (h > oh·kh) are skipped, not visited.
 */
export function emitTilingWindows(
  e: (...xs: Bytes[]) => void,
  s: TilingWindowShape,
  n: TilingWindowNest,
  body: () => void,
): void {
  const { c, kh, kw } = s;
  const addTo = (local: number, bytes: number) =>
    e(op.localGet(local), op.i32Const(bytes), op.i32Add, op.localSet(local));
  const countUp = (local: number, end: number) =>
    e(
      op.localGet(local),
      op.i32Const(1),
      op.i32Add,
      op.localTee(local),
      op.i32Const(end),
      op.i32LtU,
      op.brIf(0),
    );
  const full = Math.floor(c / 4) * 16;
  const image = s.h * s.w * c * 4;
  // Images [u0, u1), from column-tile bytes; none: return.
  for (const u of [n.u0, n.u1]) e(op.localGet(u), op.i32Const(GEMM_COLS * 4), i32DivU, op.localSet(u));
  e(op.block, op.localGet(n.u0), op.localGet(n.u1), op.i32GeU, op.brIf(0));
  e(op.localGet(n.u0), op.localSet(n.img));
  for (const t of n.windowed)
    e(op.localGet(t.base), op.localGet(n.img), op.i32Const(image), op.i32Mul, op.i32Add, op.localSet(t.row));
  e(op.localGet(n.pixel.base), op.localGet(n.img), op.i32Const(s.oh * s.ow * c * 4), op.i32Mul, op.i32Add);
  e(op.localSet(n.pixel.at));
  e(op.loop);
  e(op.i32Const(0), op.localSet(n.oy));
  e(op.loop);
  for (const t of n.windowed) e(op.localGet(t.row), op.localSet(t.win));
  e(op.i32Const(0), op.localSet(n.ox));
  e(op.loop);
  e(op.i32Const(0), op.localSet(n.cb));
  e(op.loop);
  body();
  e(
    op.localGet(n.cb),
    op.i32Const(16),
    op.i32Add,
    op.localTee(n.cb),
    op.i32Const(full),
    op.i32LtU,
    op.brIf(0),
  );
  e(op.end);
  if (c % 4 !== 0) {
    e(op.i32Const((c - 4) * 4), op.localSet(n.cb));
    body();
  }
  for (const t of n.windowed) addTo(t.win, kw * c * 4);
  addTo(n.pixel.at, c * 4);
  countUp(n.ox, s.ow);
  e(op.end);
  for (const t of n.windowed) addTo(t.row, kh * s.w * c * 4);
  countUp(n.oy, s.oh);
  e(op.end);
  // Rows past the last window.
  for (const t of n.windowed) addTo(t.row, (s.h - s.oh * kh) * s.w * c * 4);
  e(op.localGet(n.img), op.i32Const(1), op.i32Add, op.localTee(n.img), op.localGet(n.u1), op.i32LtU);
  e(op.brIf(0), op.end, op.end);
}
