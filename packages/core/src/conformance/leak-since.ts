/** The leak check every conformance case ends with: live tensors and backend bytes back to where they were. */
import { type MemoryInfo, memory } from '../memory.js';

/** A failure naming what is still held since `before` (after `what`: "the case", "the check"), or undefined. */
export function leakSince(before: MemoryInfo, what: string): string | undefined {
  const after = memory();
  if (after.tensors === before.tensors && after.bytes === before.bytes) return undefined;
  return `leak: ${after.tensors - before.tensors} tensors, ${after.bytes - before.bytes} bytes still held after ${what}`;
}
