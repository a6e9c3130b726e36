/**
 * Reading a step's result back, the same way for every library: a Dendrite tensor and a tfjs tensor both
 * have `data()` and `dispose()`. Reading is what makes lazy or asynchronous backends finish the work
 * inside the timed region.
 */

/** What `readFirst` needs of a tensor (Dendrite's or tfjs's). */
export interface Readable {
  data(): Promise<ArrayLike<unknown>>;
  dispose(): void;
}

/** The first element of `y` (a loss, or an output element), then `y` is freed. */
export async function readFirst(y: Readable): Promise<number> {
  try {
    return Number((await y.data())[0]);
  } finally {
    y.dispose();
  }
}

/**
 * Applies `op` `count` times, each result feeding the next (`start` is kept, intermediates freed), and
 * reads the last result back.
 */
export function readChain<T extends Readable>(start: T, count: number, op: (y: T) => T): Promise<number> {
  let y = start;
  for (let i = 0; i < count; i++) {
    const next = op(y);
    if (y !== start) y.dispose();
    y = next;
  }
  // With no op applied, `start` is the result: read it without freeing it.
  return count === 0 ? y.data().then((d) => Number(d[0])) : readFirst(y);
}
