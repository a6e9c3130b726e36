/**
 * The loop skeleton the emitted passes share: a counted loop (a guard, then a do-while whose back edge
 * steps the counter and tests it, one branch per step), and a SIMD loop over a range followed by a
 * scalar loop over its tail. Counters and limits are i32 locals compared unsigned.
 */
import { type Bytes, op } from './wasm-encoder.js';

export interface CountedLoop {
  /** The local that counts; its start is set by the caller. */
  readonly counter: number;
  /** The local the counter runs up to (excluded). */
  readonly limit: number;
  /** Added to the counter after each body; omitted where the body advances the counter itself. */
  readonly step?: number;
  readonly body: Bytes;
}

/** `while (counter < limit) { body; counter += step }`. */
export function countedLoop({ counter, limit, step, body }: CountedLoop): Bytes {
  const next =
    step === undefined
      ? op.localGet(counter)
      : [...op.localGet(counter), ...op.i32Const(step), ...op.i32Add, ...op.localTee(counter)];
  return [
    ...op.block,
    ...op.localGet(counter),
    ...op.localGet(limit),
    ...op.i32GeU,
    ...op.brIf(0),
    ...op.loop,
    ...body,
    ...next,
    ...op.localGet(limit),
    ...op.i32LtU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
  ];
}

export interface SimdThenScalarLoop {
  /** The local that counts (bytes or elements), from its start (set by the caller) to `end`. */
  readonly counter: number;
  /**
   * The local where the vector steps stop: `end` rounded down to a whole number of vector steps from
   * the counter's start (see `roundDown`).
   */
  readonly vectorEnd: number;
  readonly end: number;
  /** 16 (one v128 of float32) unless given. */
  readonly vectorStep?: number;
  /** 4 (one float32) unless given. */
  readonly scalarStep?: number;
  /** One vector step at the counter; `vectorBody` and `scalarBody` do not advance it. */
  readonly vectorBody: Bytes;
  readonly scalarBody: Bytes;
}

/**
 * The vector body while a whole vector step remains, then the scalar body over the rest. Where a vector
 * step is two scalar steps at most one scalar step remains, so the tail is a guarded block without a loop
 * and the counter is not advanced past it: callers do not read the counter after this (any form).
 */
export function simdThenScalarLoop(o: SimdThenScalarLoop): Bytes {
  const vectorStep = o.vectorStep ?? 16;
  const scalarStep = o.scalarStep ?? 4;
  const vector = countedLoop({
    counter: o.counter,
    limit: o.vectorEnd,
    step: vectorStep,
    body: o.vectorBody,
  });
  const tail =
    vectorStep === 2 * scalarStep
      ? [
          ...op.block,
          ...op.localGet(o.counter),
          ...op.localGet(o.end),
          ...op.i32GeU,
          ...op.brIf(0),
          ...o.scalarBody,
          ...op.end,
        ]
      : countedLoop({ counter: o.counter, limit: o.end, step: scalarStep, body: o.scalarBody });
  return [...vector, ...tail];
}

/** `to = from` rounded down to a multiple of `multiple` (a power of two). */
export function roundDown(from: number, multiple: number, to: number): Bytes {
  return [...op.localGet(from), ...op.i32Const(-multiple), ...op.i32And, ...op.localSet(to)];
}

/** `local += v`, for the pointers and offsets a body moves along with the counter. */
export function advance(local: number, v: number): Bytes {
  return [...op.localGet(local), ...op.i32Const(v), ...op.i32Add, ...op.localSet(local)];
}
