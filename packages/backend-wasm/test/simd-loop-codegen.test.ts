/**
 * The shared loop skeleton of the emitted passes (codegen/simd-loop.ts), on its own: a pass that adds 1
 * to every float of a range, emitted with a 16-byte vector step and with an 8-byte one (whose tail is a
 * guarded block, not a loop), over every length around the steps and from unaligned starts. A float
 * touched twice, skipped or written past the end shows.
 */
import { describe, expect, it } from 'vitest';
import { countedLoop, roundDown, simdThenScalarLoop } from '../src/codegen/simd-loop.js';
import { type Bytes, type FunctionSpec, I32, moduleBytes, op } from '../src/codegen/wasm-encoder.js';

// add_one(pstart, pend): every float32 in [pstart, pend) += 1; the counter is the byte address itself.
const P = { start: 0, end: 1 };
const L = { vectorEnd: 2 };

const scalarAddOne = (offset: number): Bytes => [
  ...op.localGet(P.start),
  ...op.localGet(P.start),
  ...op.f32Load(offset),
  ...op.f32Const(1),
  ...op.f32Add,
  ...op.f32Store(offset),
];

function addOneFunction(vectorStep: 16 | 8): FunctionSpec {
  const vectorBody =
    vectorStep === 16
      ? [
          ...op.localGet(P.start),
          ...op.localGet(P.start),
          ...op.v128Load(0),
          ...op.f32Const(1),
          ...op.f32x4Splat,
          ...op.f32x4Add,
          ...op.v128Store(0),
        ]
      : [...scalarAddOne(0), ...scalarAddOne(4)];
  // vectorEnd = start + roundDown(end - start, vectorStep)
  const body = [
    ...op.localGet(P.end),
    ...op.localGet(P.start),
    ...op.i32Sub,
    ...op.localSet(L.vectorEnd),
    ...roundDown(L.vectorEnd, vectorStep, L.vectorEnd),
    ...op.localGet(L.vectorEnd),
    ...op.localGet(P.start),
    ...op.i32Add,
    ...op.localSet(L.vectorEnd),
    ...simdThenScalarLoop({
      counter: P.start,
      vectorEnd: L.vectorEnd,
      end: P.end,
      vectorStep,
      vectorBody,
      scalarBody: scalarAddOne(0),
    }),
  ];
  return { name: `add_one_${vectorStep}`, params: [I32, I32], locals: [[1, I32]], body };
}

// count(n, pout): *pout = number of body runs of a counted loop from 0 to n in steps of 3.
function countFunction(): FunctionSpec {
  const body = [
    ...op.i32Const(0),
    ...op.localSet(2),
    ...countedLoop({
      counter: 2,
      limit: 0,
      step: 3,
      body: [
        ...op.localGet(1),
        ...op.localGet(1),
        ...op.i32Load(0),
        ...op.i32Const(1),
        ...op.i32Add,
        ...op.i32Store(0),
      ],
    }),
  ];
  return { name: 'count', params: [I32, I32], locals: [[1, I32]], body };
}

const memory = new WebAssembly.Memory({ initial: 1 });
const exports = new WebAssembly.Instance(
  new WebAssembly.Module(moduleBytes([addOneFunction(16), addOneFunction(8), countFunction()], false)),
  { env: { memory } },
).exports as Record<string, (a: number, b: number) => void>;

describe('simdThenScalarLoop', () => {
  for (const step of [16, 8] as const) {
    it(`touches each float of the range once (vector step ${step})`, () => {
      const f32 = new Float32Array(memory.buffer);
      for (const startFloat of [16, 17, 19]) {
        for (const n of [0, 1, 2, 3, 4, 5, 7, 8, 9, 17, 33]) {
          f32.fill(0, 0, 128);
          exports[`add_one_${step}`](startFloat * 4, (startFloat + n) * 4);
          const expected = Array.from({ length: 128 }, (_, i) =>
            i >= startFloat && i < startFloat + n ? 1 : 0,
          );
          expect(Array.from(f32.subarray(0, 128)), `start ${startFloat}, n ${n}`).toEqual(expected);
        }
      }
    });
  }
});

describe('countedLoop', () => {
  it('runs its body ceil(n / step) times, none for n = 0', () => {
    const i32 = new Int32Array(memory.buffer);
    for (const n of [0, 1, 2, 3, 4, 6, 7, 30]) {
      i32[0] = 0;
      exports.count(n, 0);
      expect(i32[0], `n ${n}`).toBe(Math.ceil(n / 3));
    }
  });
});
