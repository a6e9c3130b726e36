/**
 * Limits on what a safetensors file may ask of the reader. Everything a header claims is checked against
 * the bytes present, and these caps bound the rest: the header's size (its JSON is parsed into objects)
 * and the number of tensors (each becomes a tensor handle), so reading any file costs memory and time
 * proportional to its size with a small constant, and a million empty tensors is refused after scanning
 * the first `maxTensors` entries, not built.
 */
import { ArgumentError } from '@dendrite/core';

export interface SafetensorsLimits {
  /** Most header bytes (default 100 MB, the reference implementation's own cap). */
  readonly maxHeaderBytes?: number;
  /** Most tensors in one file (default 65,536; a 70B-parameter language model has under 1,000). */
  readonly maxTensors?: number;
  /** Most dimensions of one tensor (default 16). */
  readonly maxRank?: number;
}

export const DEFAULT_SAFETENSORS_LIMITS: Required<SafetensorsLimits> = {
  maxHeaderBytes: 100_000_000,
  maxTensors: 65_536,
  maxRank: 16,
};

/** Deepest nesting of JSON values a header may have (an entry's shape sits at depth 3). */
export const MAX_HEADER_DEPTH = 8;

/** The limits with defaults filled in, each checked to be a positive safe integer. */
export function resolveLimits(op: string, limits: SafetensorsLimits = {}): Required<SafetensorsLimits> {
  const out = { ...DEFAULT_SAFETENSORS_LIMITS };
  for (const key of Object.keys(DEFAULT_SAFETENSORS_LIMITS) as (keyof SafetensorsLimits)[]) {
    const v = limits[key];
    if (v === undefined) continue;
    if (!(Number.isSafeInteger(v) && v > 0)) {
      throw new ArgumentError(op, `limit ${key} must be a positive integer, got ${String(v)}`);
    }
    out[key] = v;
  }
  return out;
}
