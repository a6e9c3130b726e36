/**
 * Storage buffers by size class, reused: in steady state (a training loop) no op creates a buffer.
 * Classes are powers of two split in quarters (at most 25 % waste), 256 bytes at least. Freed buffers
 * wait in `pending` until the commands that may still use them are submitted (a buffer written by
 * `queue.writeBuffer` must not be one an unsubmitted dispatch reads); past `maxFreeBytes` idle buffers
 * are destroyed, so the pool stays bounded.
 */

const USAGE_STORAGE = 0x80 | 0x04 | 0x08; // STORAGE | COPY_SRC | COPY_DST

export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const p = 2 ** Math.floor(Math.log2(bytes - 1));
  const quarter = p / 4;
  return p + Math.ceil((bytes - p) / quarter) * quarter;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private pending: GPUBuffer[] = [];
  private freeBytes = 0;
  /** Buffers handed out and not yet released. */
  liveBuffers = 0;
  liveBytes = 0;
  created = 0;
  reused = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxFreeBytes: number,
  ) {}

  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    let buffer = list?.pop();
    if (buffer) {
      this.freeBytes -= size;
      this.reused++;
    } else {
      buffer = this.device.createBuffer({ size, usage: USAGE_STORAGE });
      this.created++;
    }
    this.liveBuffers++;
    this.liveBytes += size;
    return buffer;
  }

  /** Back to the pool once the current batch is submitted. */
  release(buffer: GPUBuffer): void {
    this.liveBuffers--;
    this.liveBytes -= buffer.size;
    this.pending.push(buffer);
  }

  /** Called after a submit: what was released before it may be reused by later commands. */
  recycle(): void {
    for (const b of this.pending) {
      if (this.freeBytes + b.size > this.maxFreeBytes) {
        b.destroy();
        continue;
      }
      const list = this.free.get(b.size);
      if (list) list.push(b);
      else this.free.set(b.size, [b]);
      this.freeBytes += b.size;
    }
    this.pending = [];
  }

  stats(): Record<string, number> {
    return {
      poolFreeBytes: this.freeBytes,
      poolFreeBuffers: [...this.free.values()].reduce((n, l) => n + l.length, 0),
      buffersCreated: this.created,
      buffersReused: this.reused,
    };
  }

  destroy(): void {
    for (const l of this.free.values()) for (const b of l) b.destroy();
    for (const b of this.pending) b.destroy();
    this.free.clear();
    this.pending = [];
    this.freeBytes = 0;
  }
}
