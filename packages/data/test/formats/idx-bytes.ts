/** Writes IDX files for tests, straight from the format's description (independent of the reader). */
const SIZES: Record<number, number> = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 };

export function idxBytes(code: number, shape: number[], values: ArrayLike<number>): Uint8Array {
  const size = SIZES[code];
  const out = new Uint8Array(4 + 4 * shape.length + size * values.length);
  const view = new DataView(out.buffer);
  out.set([0, 0, code, shape.length]);
  shape.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  const body = 4 + 4 * shape.length;
  for (let i = 0; i < values.length; i++) {
    const at = body + size * i;
    if (code === 0x08) view.setUint8(at, values[i]);
    else if (code === 0x09) view.setInt8(at, values[i]);
    else if (code === 0x0b) view.setInt16(at, values[i], false);
    else if (code === 0x0c) view.setInt32(at, values[i], false);
    else if (code === 0x0d) view.setFloat32(at, values[i], false);
    else view.setFloat64(at, values[i], false);
  }
  return out;
}

/** `n` images of h×w whose pixel (i, y, x) is (7i + 3y + x) mod 256, and labels i mod 10. */
export function mnistLike(
  n: number,
  h: number,
  w: number,
): { images: Uint8Array; labels: Uint8Array; pixels: number[] } {
  const pixels = Array.from({ length: n * h * w }, (_, j) => {
    const i = Math.floor(j / (h * w));
    const y = Math.floor((j % (h * w)) / w);
    return (7 * i + 3 * y + (j % w)) % 256;
  });
  return {
    images: idxBytes(0x08, [n, h, w], pixels),
    labels: idxBytes(
      0x08,
      [n],
      Array.from({ length: n }, (_, i) => i % 10),
    ),
    pixels,
  };
}
