/** `n` CIFAR-10 records: label i mod 10; channel c of pixel (y, x) is (i + 5c + 3y + x) mod 256. */
export function cifarBytes(n: number, first = 0): Uint8Array {
  const out = new Uint8Array(n * 3073);
  for (let i = 0; i < n; i++) {
    const at = i * 3073;
    out[at] = (first + i) % 10;
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 1024; p++)
        out[at + 1 + c * 1024 + p] = (first + i + 5 * c + 3 * Math.floor(p / 32) + (p % 32)) % 256;
    }
  }
  return out;
}
