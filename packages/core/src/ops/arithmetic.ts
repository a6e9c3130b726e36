/** Elementwise arithmetic with NumPy broadcasting: add, sub, mul, div, pow, maximum, minimum. */
import type { ArithmeticOp } from '../backend.js';
import { DTypeError, fmtShape } from '../errors.js';
import { broadcastShapes, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { castTo } from './cast.js';
import { greater, greaterEqual, less, where } from './compare.js';
import { full } from './creation.js';
import { sumTo } from './reduce.js';
import { runKernel } from './run-kernel.js';
import { log, neg } from './unary.js';

/** A tensor, or a number that becomes a scalar of the other operand's dtype on its backend. */
export type TensorLike = Tensor | number;

/** Turns number operands into scalars; `temps` are the scalars made here, to dispose after the op. */
export function asTensors(
  op: string,
  a: TensorLike,
  b: TensorLike,
): { a: Tensor; b: Tensor; temps: Tensor[] } {
  if (typeof a !== 'number') a.assertLive(op);
  if (typeof b !== 'number') b.assertLive(op);
  const temps: Tensor[] = [];
  const like = typeof a === 'number' ? (typeof b === 'number' ? undefined : b) : a;
  const make = (v: number) => {
    const t = full([], v, like?.dtype ?? 'float32', like);
    temps.push(t);
    return t;
  };
  const ta = typeof a === 'number' ? make(a) : a;
  const tb = typeof b === 'number' ? make(b) : b;
  if (ta.dtype !== tb.dtype) {
    throw new DTypeError(
      op,
      `operands have dtypes ${ta.dtype}${fmtShape(ta.shape)} and ${tb.dtype}${fmtShape(tb.shape)}; expected the same dtype (cast one explicitly)`,
    );
  }
  return { a: ta, b: tb, temps };
}

type PairGrad = (
  dy: Tensor,
  a: Tensor,
  b: Tensor,
  y: Tensor,
  needed: readonly boolean[],
) => [Tensor | null, Tensor | null];

function arithmetic(
  op: ArithmeticOp,
  x: TensorLike,
  z: TensorLike,
  grad: PairGrad,
  savesInputs: boolean,
): Tensor {
  const { a, b, temps } = asTensors(op, x, z);
  if (a.dtype === 'bool') {
    throw new DTypeError(
      op,
      `got bool operands ${fmtShape(a.shape)} and ${fmtShape(b.shape)}; expected float32 or int32`,
    );
  }
  const shape = broadcastShapes(op, a.shape, b.shape);
  const aShape = a.shape;
  const bShape = b.shape;
  try {
    return runKernel({
      op,
      inputs: [a, b],
      out: { shape, dtype: a.dtype },
      run: (backend, [ka, kb]) => backend.binary(op, ka, kb, { shape, dtype: a.dtype }),
      grad: (dy, inputs, y, needed) => {
        const [ga, gb] = grad(dy, inputs[0], inputs[1], y, needed);
        return [ga && reduceGradTo(ga, aShape), gb && reduceGradTo(gb, bShape)];
      },
      saves: { inputs: savesInputs },
    });
  } finally {
    for (const t of temps) t.dispose();
  }
}

function reduceGradTo(g: Tensor, shape: Shape): Tensor {
  return sumTo(g, shape);
}

export function add(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic('add', a, b, (dy) => [dy, dy], false);
}

export function sub(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic('sub', a, b, (dy, _a, _b, _y, needed) => [dy, needed[1] ? neg(dy) : null], false);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic(
    'mul',
    a,
    b,
    (dy, a, b, _y, needed) => [needed[0] ? mul(dy, b) : null, needed[1] ? mul(dy, a) : null],
    true,
  );
}

/** Division; int32 division truncates toward zero. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic(
    'div',
    a,
    b,
    (dy, _a, b, y, needed) => [needed[0] ? div(dy, b) : null, needed[1] ? neg(div(mul(dy, y), b)) : null],
    true,
  );
}

/** `a ** b`. The gradient for `b` is `y * ln(a)`, taken as 0 where `a <= 0` (where it is undefined). */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic(
    'pow',
    a,
    b,
    (dy, a, b, y, needed) => [
      needed[0] ? mul(dy, mul(b, pow(a, sub(b, 1)))) : null,
      needed[1] ? mul(dy, where(greater(a, 0), mul(y, log(a)), 0)) : null,
    ],
    true,
  );
}

/** Elementwise maximum; a tie sends the gradient to `a`. */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic(
    'maximum',
    a,
    b,
    (dy, a, b) => {
      const m = castTo(greaterEqual(a, b), 'float32');
      return [mul(dy, m), sub(dy, mul(dy, m))];
    },
    true,
  );
}

/** Elementwise minimum; a tie sends the gradient to `a`. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return arithmetic(
    'minimum',
    a,
    b,
    (dy, a, b) => {
      const m = castTo(less(b, a), 'float32');
      return [sub(dy, mul(dy, m)), mul(dy, m)];
    },
    true,
  );
}
