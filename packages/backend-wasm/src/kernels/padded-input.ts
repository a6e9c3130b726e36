/**
 * The zero-padded copy of an NHWC input that the emitted small-channel convolutions read (every window
 * inside it, so their loops test no bounds): `x` `[n, h, w, c]` placed at row `pt` and column `pl` of
 * `out` `[n, hp, wp, c]`, zeros around, cropped to it.
 */
export function padInput(
  x: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
  pt: number,
  pl: number,
  hp: number,
  wp: number,
  out: Float32Array,
): void {
  out.fill(0);
  const x0 = Math.max(0, -pl);
  const x1 = Math.min(w, wp - pl);
  if (x1 <= x0) return;
  for (let i = 0; i < n; i++)
    for (let iy = 0; iy < h; iy++) {
      const r = iy + pt;
      if (r < 0 || r >= hp) continue;
      const src = ((i * h + iy) * w + x0) * c;
      out.set(x.subarray(src, src + (x1 - x0) * c), ((i * hp + r) * wp + x0 + pl) * c);
    }
}
