/**
 * A corpus of invalid calls to core's public ops. Each must raise the named typed error, naming the op
 * the user called, on every backend — never a silent result, a RangeError or a crash. Core validates
 * before any backend sees the call, so a backend that passes the rest of the suite passes these too;
 * the corpus makes sure it stays so (the conformance suite runs it on every backend).
 */
import type { DType } from '../dtype.js';
import {
  ArgumentError,
  BackendError,
  type DendriteError,
  DisposedError,
  DTypeError,
  ShapeError,
} from '../errors.js';
import * as ops from '../index.js';
import { Rng } from '../random.js';
import { initBackend, setBackend } from '../registry.js';
import type { Tensor } from '../tensor.js';

type ErrorClass = new (op: string, message: string) => DendriteError;

export interface InvalidCall {
  readonly name: string;
  /** The op the error must name (the one the user called). */
  readonly op: string;
  readonly error: ErrorClass;
  /** Text the message must contain (e.g. `NaN`, where JSON would have printed `null`). */
  readonly mentions?: string;
  readonly call: () => unknown;
}

const f = (shape: number[]): Tensor => ops.zeros(shape);
const i32 = (shape: number[]): Tensor => ops.zeros(shape, 'int32');
const bool = (shape: number[]): Tensor => ops.zeros(shape, 'bool');
const dt = (s: string) => s as DType;
const bad = <T>(v: unknown) => v as T;
const img = () => f([1, 4, 4, 2]);
const flt = (kh = 3, kw = 3, cin = 2, cout = 3) => f([kh, kw, cin, cout]);
const disposed = (): Tensor => {
  const t = f([2]);
  t.dispose();
  return t;
};
const sgd = { lr: 0.1 };
const adam = (h: object = {}) => ({ lr: 0.1, step: 1, ...h });

// [name, op, error, call, mentions?]
type Row = readonly [string, string, ErrorClass, () => unknown, string?];

const ROWS: readonly Row[] = [
  // ---- creation ----
  ['zeros float64', 'zeros', DTypeError, () => ops.zeros([2], dt('float64')), 'float64'],
  ['zeros negative dim', 'zeros', ShapeError, () => ops.zeros([-1])],
  ['zeros fractional dim', 'zeros', ShapeError, () => ops.zeros([2.5]), '2.5'],
  ['zeros NaN dim', 'zeros', ShapeError, () => ops.zeros([Number.NaN]), 'NaN'],
  ['zeros Infinity dim', 'zeros', ShapeError, () => ops.zeros([Infinity]), 'Infinity'],
  ['zeros shape not an array', 'zeros', ShapeError, () => ops.zeros(bad(5))],
  ['zeros huge', 'zeros', ShapeError, () => ops.zeros([2 ** 20, 2 ** 20]), '2^30'],
  ['ones negative dim', 'ones', ShapeError, () => ops.ones([3, -2])],
  ['ones unknown dtype', 'ones', DTypeError, () => ops.ones([2], dt('uint8'))],
  ['full string value', 'full', ArgumentError, () => ops.full([2], bad('a'))],
  ['full unknown dtype', 'full', DTypeError, () => ops.full([2], 1, dt('float16'))],
  ['full huge', 'full', ShapeError, () => ops.full([2 ** 31], 0)],
  ['fullLike unknown dtype', 'fullLike', DTypeError, () => ops.fullLike(f([2]), 1, dt('x'))],
  ['zerosLike not a tensor', 'zerosLike', ArgumentError, () => ops.zerosLike(bad(3))],
  ['onesLike not a tensor', 'onesLike', ArgumentError, () => ops.onesLike(bad([1, 2]))],
  ['tensor too few values', 'tensor', ShapeError, () => ops.tensor([1, 2, 3], [2])],
  ['tensor ragged', 'tensor', ShapeError, () => ops.tensor([[1, 2], [3]])],
  ['tensor float64', 'tensor', DTypeError, () => ops.tensor([1, 2], [2], dt('float64'))],
  ['tensor object values', 'tensor', ArgumentError, () => ops.tensor(bad({}))],
  ['tensor string values', 'tensor', ArgumentError, () => ops.tensor(bad(['a']))],
  ['tensor negative shape', 'tensor', ShapeError, () => ops.tensor([1], [-1])],
  ['tensor fractional shape', 'tensor', ShapeError, () => ops.tensor([1, 2], [0.5, 4])],
  ['tensor huge shape', 'tensor', ShapeError, () => ops.tensor([1], [2 ** 40])],
  ['scalar unknown dtype', 'scalar', DTypeError, () => ops.scalar(1, dt('uint8'))],
  ['arange to Infinity', 'arange', ArgumentError, () => ops.arange(0, Infinity), 'Infinity'],
  ['arange to NaN', 'arange', ArgumentError, () => ops.arange(0, Number.NaN), 'NaN'],
  ['arange NaN', 'arange', ArgumentError, () => ops.arange(Number.NaN), 'NaN'],
  ['arange step 0', 'arange', ArgumentError, () => ops.arange(0, 10, 0)],
  ['arange step NaN', 'arange', ArgumentError, () => ops.arange(0, 10, Number.NaN)],
  ['arange too long', 'arange', ShapeError, () => ops.arange(0, 1e12)],
  ['arange float64', 'arange', DTypeError, () => ops.arange(0, 5, 1, dt('float64'))],
  ['uniform negative shape', 'uniform', ShapeError, () => ops.randomUniform([-1])],
  ['uniform low > high', 'uniform', ArgumentError, () => ops.randomUniform([2], 1, 0)],
  ['uniform huge', 'uniform', ShapeError, () => ops.randomUniform([2 ** 31])],
  ['normal negative std', 'normal', ArgumentError, () => ops.randomNormal([2], 0, -1)],
  ['normal NaN mean', 'normal', ArgumentError, () => ops.randomNormal([2], Number.NaN), 'NaN'],
  ['normal fractional shape', 'normal', ShapeError, () => ops.randomNormal([1.5])],
  ['truncatedNormal fractional shape', 'truncatedNormal', ShapeError, () => ops.truncatedNormal([2.5])],
  ['bernoulli p > 1', 'bernoulli', ArgumentError, () => ops.bernoulli([2], 1.5)],
  ['bernoulli negative shape', 'bernoulli', ShapeError, () => ops.bernoulli([-2])],
  ['randint empty range', 'randint', ArgumentError, () => new Rng(1).randint([2], 3, 3)],

  // ---- layout ----
  ['reshape wrong size', 'reshape', ShapeError, () => ops.reshape(f([2, 3]), [4])],
  ['reshape two -1', 'reshape', ShapeError, () => ops.reshape(f([2, 3]), [-1, -1])],
  ['reshape fractional', 'reshape', ShapeError, () => ops.reshape(f([2, 3]), [1.5, 4])],
  ['reshape negative pair', 'reshape', ShapeError, () => ops.reshape(f([2, 3]), [-2, -3])],
  ['reshape NaN', 'reshape', ShapeError, () => ops.reshape(f([2, 3]), [Number.NaN, 6]), 'NaN'],
  ['reshape not an array', 'reshape', ShapeError, () => ops.reshape(f([2, 3]), bad('ab'))],
  ['reshape not a tensor', 'reshape', ArgumentError, () => ops.reshape(bad([1, 2]), [2])],
  ['flatten axis out of range', 'flatten', ArgumentError, () => ops.flatten(f([2, 3]), 5)],
  ['squeeze non-1 axis', 'squeeze', ShapeError, () => ops.squeeze(f([2, 3]), 0)],
  ['squeeze axis out of range', 'squeeze', ArgumentError, () => ops.squeeze(f([2, 1]), 4)],
  ['expandDims out of range', 'expandDims', ArgumentError, () => ops.expandDims(f([2]), 5)],
  ['expandDims fractional', 'expandDims', ArgumentError, () => ops.expandDims(f([2]), 0.5)],
  ['broadcastTo fractional', 'broadcastTo', ShapeError, () => ops.broadcastTo(f([2]), [2.5]), '2.5'],
  ['broadcastTo negative', 'broadcastTo', ShapeError, () => ops.broadcastTo(f([1]), [-3])],
  ['broadcastTo mismatch', 'broadcastTo', ShapeError, () => ops.broadcastTo(f([2, 3]), [3, 3])],
  ['broadcastTo lower rank', 'broadcastTo', ShapeError, () => ops.broadcastTo(f([2, 3]), [3])],
  ['broadcastTo huge', 'broadcastTo', ShapeError, () => ops.broadcastTo(f([1]), [2 ** 16, 2 ** 16])],
  ['tile fractional reps', 'tile', ArgumentError, () => ops.tile(f([2]), [2.5])],
  ['tile too few reps', 'tile', ArgumentError, () => ops.tile(f([2, 3]), [2])],
  ['tile negative reps', 'tile', ArgumentError, () => ops.tile(f([2, 3]), [-1, 1])],
  ['tile huge', 'tile', ShapeError, () => ops.tile(f([2, 3]), [2 ** 16, 2 ** 16])],
  ['transpose short perm', 'transpose', ArgumentError, () => ops.transpose(f([2, 3]), [0])],
  ['transpose repeated axis', 'transpose', ArgumentError, () => ops.transpose(f([2, 3]), [0, 0])],
  ['transpose axis out of range', 'transpose', ArgumentError, () => ops.transpose(f([2, 3]), [0, 2])],
  ['transpose fractional', 'transpose', ArgumentError, () => ops.transpose(f([2, 3]), [0.5, 1])],
  ['transpose perm not an array', 'transpose', ArgumentError, () => ops.transpose(f([2, 3]), bad(1))],
  ['matrixTranspose rank 1', 'matrixTranspose', ArgumentError, () => ops.matrixTranspose(f([3]))],
  ['identity not a tensor', 'identity', ArgumentError, () => ops.identity(bad(5))],
  ['concat nothing', 'concat', ArgumentError, () => ops.concat([])],
  ['concat rank 0', 'concat', ShapeError, () => ops.concat([f([]), f([])])],
  ['concat shapes', 'concat', ShapeError, () => ops.concat([f([2, 3]), f([3, 4])], 0)],
  ['concat dtypes', 'concat', DTypeError, () => ops.concat([f([2]), i32([2])])],
  ['concat axis', 'concat', ArgumentError, () => ops.concat([f([2])], 3)],
  ['concat a number', 'concat', ArgumentError, () => ops.concat([f([2]), bad(5)])],
  ['concat not an array', 'concat', ArgumentError, () => ops.concat(bad(f([2])))],
  ['stack nothing', 'stack', ArgumentError, () => ops.stack([])],
  ['stack shapes', 'stack', ShapeError, () => ops.stack([f([2]), f([3])])],
  ['stack dtypes', 'stack', DTypeError, () => ops.stack([f([2]), i32([2])])],
  ['stack axis', 'stack', ArgumentError, () => ops.stack([f([2])], 3)],
  ['slice past the end', 'slice', ArgumentError, () => ops.slice(f([2, 3]), [0, 2], [1, 2])],
  ['slice begin past the end', 'slice', ArgumentError, () => ops.slice(f([2, 3]), [3])],
  ['slice fractional begin', 'slice', ArgumentError, () => ops.slice(f([2, 3]), [0.5])],
  ['slice negative size', 'slice', ArgumentError, () => ops.slice(f([2, 3]), [0], [-2])],
  ['slice too many axes', 'slice', ArgumentError, () => ops.slice(f([2, 3]), [0, 0, 0])],
  ['slice begin not an array', 'slice', ArgumentError, () => ops.slice(f([2, 3]), bad(0))],
  ['split unequal count', 'split', ArgumentError, () => ops.split(f([4]), 3)],
  ['split sizes sum', 'split', ArgumentError, () => ops.split(f([4]), [1, 2])],
  ['split fractional count', 'split', ArgumentError, () => ops.split(f([5]), 2.5)],
  ['split zero count', 'split', ArgumentError, () => ops.split(f([4]), 0)],
  ['split negative size', 'split', ArgumentError, () => ops.split(f([4]), [2, -1, 3])],
  [
    'pad wrong rank',
    'pad',
    ArgumentError,
    () =>
      ops.pad(f([2]), [
        [1, 1],
        [1, 1],
      ]),
  ],
  ['pad negative', 'pad', ArgumentError, () => ops.pad(f([2]), [[-1, 0]])],
  ['pad fractional', 'pad', ArgumentError, () => ops.pad(f([2]), [[0.5, 0]])],
  ['pad string value', 'pad', ArgumentError, () => ops.pad(f([2]), [[0, 1]], bad('a'))],
  ['pad huge', 'pad', ShapeError, () => ops.pad(f([2]), [[2 ** 31, 0]])],

  // ---- indexing ----
  ['gather float indices', 'gather', DTypeError, () => ops.gather(f([3]), f([2]))],
  ['gather axis', 'gather', ArgumentError, () => ops.gather(f([3]), i32([2]), 2)],
  ['gather not a tensor', 'gather', ArgumentError, () => ops.gather(bad([1, 2]), i32([1]))],
  [
    'scatterAdd wrong output shape',
    'scatterAdd',
    ShapeError,
    () => ops.scatterAdd(f([2]), i32([2]), 0, [3, 3]),
  ],
  ['scatterAdd wrong axis', 'scatterAdd', ArgumentError, () => ops.scatterAdd(f([2]), i32([2]), 1, [3])],
  ['scatterAdd int updates', 'scatterAdd', DTypeError, () => ops.scatterAdd(i32([2]), i32([2]), 0, [3])],
  ['scatterAdd negative shape', 'scatterAdd', ShapeError, () => ops.scatterAdd(f([2]), i32([2]), 0, [-3])],
  ['scatterAdd float indices', 'scatterAdd', DTypeError, () => ops.scatterAdd(f([2]), f([2]), 0, [3])],
  ['scatterAdd huge', 'scatterAdd', ShapeError, () => ops.scatterAdd(f([2]), i32([2]), 0, [2 ** 31])],
  ['oneHot negative depth', 'oneHot', ArgumentError, () => ops.oneHot(i32([2]), -1)],
  ['oneHot fractional depth', 'oneHot', ArgumentError, () => ops.oneHot(i32([2]), 2.5)],
  ['oneHot NaN depth', 'oneHot', ArgumentError, () => ops.oneHot(i32([2]), Number.NaN), 'NaN'],
  ['oneHot float indices', 'oneHot', DTypeError, () => ops.oneHot(f([2]), 3)],
  ['oneHot huge', 'oneHot', ShapeError, () => ops.oneHot(i32([4]), 2 ** 29)],

  // ---- elementwise ----
  ['add broadcast', 'add', ShapeError, () => ops.add(f([2, 3]), f([4]))],
  ['add dtypes', 'add', DTypeError, () => ops.add(f([2]), i32([2]))],
  ['add bool', 'add', DTypeError, () => ops.add(bool([2]), bool([2]))],
  ['add a string', 'add', ArgumentError, () => ops.add(f([2]), bad('a'))],
  ['sub broadcast', 'sub', ShapeError, () => ops.sub(f([2]), f([3]))],
  ['mul null', 'mul', ArgumentError, () => ops.mul(f([2]), bad(null))],
  ['div bool', 'div', DTypeError, () => ops.div(bool([2]), 1)],
  ['pow broadcast', 'pow', ShapeError, () => ops.pow(f([2, 1]), f([3, 2]))],
  ['maximum dtypes', 'maximum', DTypeError, () => ops.maximum(f([2]), i32([2]))],
  ['minimum broadcast', 'minimum', ShapeError, () => ops.minimum(f([2]), f([3]))],
  ['equal broadcast', 'equal', ShapeError, () => ops.equal(f([2]), f([3]))],
  ['less dtypes', 'less', DTypeError, () => ops.less(f([2]), i32([2]))],
  ['greater an array', 'greater', ArgumentError, () => ops.greater(f([2]), bad([1, 2]))],
  ['logicalAnd float', 'logicalAnd', DTypeError, () => ops.logicalAnd(f([2]), f([2]))],
  ['logicalOr broadcast', 'logicalOr', ShapeError, () => ops.logicalOr(bool([2]), bool([3]))],
  ['where float condition', 'where', DTypeError, () => ops.where(f([2]), f([2]), f([2]))],
  ['where broadcast', 'where', ShapeError, () => ops.where(bool([2]), f([3]), f([2]))],
  ['where dtypes', 'where', DTypeError, () => ops.where(bool([2]), f([2]), i32([2]))],
  ['where number condition', 'where', ArgumentError, () => ops.where(bad(1), f([2]), f([2]))],
  ['where branch not a tensor', 'where', ArgumentError, () => ops.where(bool([2]), bad('a'), f([2]))],
  ['exp int', 'exp', DTypeError, () => ops.exp(i32([2]))],
  ['log bool', 'log', DTypeError, () => ops.log(bool([2]))],
  ['sqrt int', 'sqrt', DTypeError, () => ops.sqrt(i32([2]))],
  ['relu bool', 'relu', DTypeError, () => ops.relu(bool([2]))],
  ['sigmoid int', 'sigmoid', DTypeError, () => ops.sigmoid(i32([2]))],
  ['erf int', 'erf', DTypeError, () => ops.erf(i32([2]))],
  ['tanh int', 'tanh', DTypeError, () => ops.tanh(i32([2]))],
  ['abs bool', 'abs', DTypeError, () => ops.abs(bool([2]))],
  ['logicalNot float', 'logicalNot', DTypeError, () => ops.logicalNot(f([2]))],
  ['neg a string', 'neg', ArgumentError, () => ops.neg(bad('x'))],
  ['cast float64', 'cast', DTypeError, () => ops.castTo(f([2]), dt('float64'))],
  ['cast a number', 'cast', ArgumentError, () => ops.castTo(bad(5), 'int32')],
  ['clip lo > hi', 'clip', ArgumentError, () => ops.clip(f([2]), 2, 1)],
  ['clip NaN bound', 'clip', ArgumentError, () => ops.clip(f([2]), Number.NaN, 1), 'NaN'],
  ['clip bool', 'clip', DTypeError, () => ops.clip(bool([2]), 0, 1)],
  ['clip string bound', 'clip', ArgumentError, () => ops.clip(f([2]), bad('a'), 1)],

  // ---- reductions and softmax ----
  ['sum axis', 'sum', ArgumentError, () => ops.sum(f([2, 3]), 2)],
  ['sum duplicate axes', 'sum', ArgumentError, () => ops.sum(f([2, 3]), [0, 0])],
  ['sum bool', 'sum', DTypeError, () => ops.sum(bool([2]))],
  ['mean int', 'mean', DTypeError, () => ops.mean(i32([2]))],
  ['mean axis', 'mean', ArgumentError, () => ops.mean(f([2]), 5)],
  ['max fractional axis', 'max', ArgumentError, () => ops.max(f([2, 3]), 0.5)],
  ['min bool', 'min', DTypeError, () => ops.min(bool([2]))],
  ['prod axis', 'prod', ArgumentError, () => ops.prod(f([2, 3]), -3)],
  ['argmax axis', 'argmax', ArgumentError, () => ops.argmax(f([2, 3]), 2)],
  ['argmin bool', 'argmin', DTypeError, () => ops.argmin(bool([2]))],
  ['argmax empty axis', 'argmax', ShapeError, () => ops.argmax(f([3, 0]), 1)],
  ['argmin of nothing', 'argmin', ShapeError, () => ops.argmin(f([4, 0]))],
  ['logsumexp int', 'logsumexp', DTypeError, () => ops.logsumexp(i32([2]))],
  ['logsumexp axis', 'logsumexp', ArgumentError, () => ops.logsumexp(f([2]), 3)],
  ['softmax int', 'softmax', DTypeError, () => ops.softmax(i32([2]))],
  ['softmax axis', 'softmax', ArgumentError, () => ops.softmax(f([2]), 2)],
  ['logSoftmax axis', 'logSoftmax', ArgumentError, () => ops.logSoftmax(f([2, 3]), -3)],

  // ---- products ----
  ['matmul inner', 'matmul', ShapeError, () => ops.matmul(f([2, 3]), f([4, 5]))],
  ['matmul int', 'matmul', DTypeError, () => ops.matmul(i32([2, 2]), i32([2, 2]))],
  ['matmul scalar', 'matmul', ShapeError, () => ops.matmul(f([]), f([2, 2]))],
  ['matmul batch', 'matmul', ShapeError, () => ops.matmul(f([2, 3, 4]), f([5, 4, 2]))],
  ['matmul vectors', 'matmul', ShapeError, () => ops.matmul(f([3]), f([4]))],
  ['matmul flag', 'matmul', ArgumentError, () => ops.matmul(f([2, 2]), f([2, 2]), { transposeA: bad(1) })],
  ['fusedMatmul inner', 'fusedMatmul', ShapeError, () => ops.fusedMatmul(f([2, 3]), f([4, 5]))],
  ['fusedMatmul int', 'fusedMatmul', DTypeError, () => ops.fusedMatmul(i32([2, 2]), i32([2, 2]))],
  [
    'fusedMatmul activation',
    'fusedMatmul',
    ArgumentError,
    () => ops.fusedMatmul(f([2, 3]), f([3, 4]), { activation: bad('gelu') }),
  ],
  [
    'fusedMatmul bias shape',
    'fusedMatmul',
    ShapeError,
    () => ops.fusedMatmul(f([2, 3]), f([3, 4]), { bias: f([5]) }),
  ],
  [
    'fusedMatmul bias grows the product',
    'fusedMatmul',
    ShapeError,
    () => ops.fusedMatmul(f([2, 3]), f([3, 4]), { bias: f([3, 2, 4]) }),
  ],
  ['fusedMatmul rank 1', 'fusedMatmul', ShapeError, () => ops.fusedMatmul(f([3]), f([3, 4]))],

  // ---- convolution ----
  ['conv2d empty window', 'conv2d', ShapeError, () => ops.conv2d(f([1, 4, 4, 1]), f([0, 0, 1, 1]))],
  [
    'conv2d NaN stride',
    'conv2d',
    ArgumentError,
    () => ops.conv2d(img(), flt(), { strides: Number.NaN }),
    'NaN',
  ],
  [
    'conv2d Infinity stride',
    'conv2d',
    ArgumentError,
    () => ops.conv2d(img(), flt(), { strides: Infinity }),
    'Infinity',
  ],
  ['conv2d zero stride', 'conv2d', ArgumentError, () => ops.conv2d(img(), flt(), { strides: [1, 0] })],
  ['conv2d zero dilation', 'conv2d', ArgumentError, () => ops.conv2d(img(), flt(), { dilations: 0 })],
  [
    'conv2d padding pair',
    'conv2d',
    ArgumentError,
    () => ops.conv2d(img(), flt(), { padding: bad([[1, 1], [1]]) }),
  ],
  [
    'conv2d negative padding',
    'conv2d',
    ArgumentError,
    () =>
      ops.conv2d(img(), flt(), {
        padding: [
          [-1, 0],
          [0, 0],
        ],
      }),
  ],
  ['conv2d padding name', 'conv2d', ArgumentError, () => ops.conv2d(img(), flt(), { padding: bad('full') })],
  [
    'conv2d groups',
    'conv2d',
    ArgumentError,
    () => ops.conv2d(f([1, 4, 4, 3]), flt(3, 3, 1, 3), { groups: 2 }),
  ],
  ['conv2d zero groups', 'conv2d', ArgumentError, () => ops.conv2d(img(), flt(), { groups: 0 })],
  ['conv2d channels', 'conv2d', ShapeError, () => ops.conv2d(f([1, 4, 4, 3]), flt())],
  ['conv2d rank', 'conv2d', ShapeError, () => ops.conv2d(f([4, 4, 2]), flt())],
  ['conv2d int', 'conv2d', DTypeError, () => ops.conv2d(i32([1, 4, 4, 2]), flt())],
  ['conv2d bias shape', 'conv2d', ShapeError, () => ops.conv2d(img(), flt(), { bias: f([2]) })],
  ['conv2d bias dtype', 'conv2d', DTypeError, () => ops.conv2d(img(), flt(), { bias: i32([3]) })],
  ['conv2d window too large', 'conv2d', ShapeError, () => ops.conv2d(img(), flt(5, 5))],
  ['conv2d filter not a tensor', 'conv2d', ArgumentError, () => ops.conv2d(img(), bad([1]))],
  [
    'depthwiseConv2d channels',
    'depthwiseConv2d',
    ShapeError,
    () => ops.depthwiseConv2d(img(), flt(3, 3, 3, 1)),
  ],
  [
    'depthwiseConv2d stride',
    'depthwiseConv2d',
    ArgumentError,
    () => ops.depthwiseConv2d(img(), flt(3, 3, 2, 1), { strides: 0 }),
  ],
  ['depthwiseConv2d int', 'depthwiseConv2d', DTypeError, () => ops.depthwiseConv2d(i32([1, 4, 4, 2]), flt())],
  [
    'depthwiseConv2d empty window',
    'depthwiseConv2d',
    ShapeError,
    () => ops.depthwiseConv2d(img(), flt(0, 1, 2, 1)),
  ],
  [
    'conv2dTranspose negative outputShape',
    'conv2dTranspose',
    ShapeError,
    () => ops.conv2dTranspose(f([1, 2, 2, 3]), flt(3, 3, 2, 3), [1, -4, 4, 2]),
  ],
  [
    'conv2dTranspose mismatch',
    'conv2dTranspose',
    ShapeError,
    () => ops.conv2dTranspose(f([1, 2, 2, 3]), flt(3, 3, 2, 3), [1, 6, 6, 2]),
  ],
  [
    'conv2dTranspose NaN stride',
    'conv2dTranspose',
    ArgumentError,
    () => ops.conv2dTranspose(f([1, 2, 2, 3]), flt(3, 3, 2, 3), [1, 4, 4, 2], { strides: Number.NaN }),
    'NaN',
  ],
  [
    'conv2dTranspose bias',
    'conv2dTranspose',
    ShapeError,
    () => ops.conv2dTranspose(f([1, 2, 2, 3]), flt(3, 3, 2, 3), [1, 4, 4, 2], { bias: f([3]) }),
  ],
  [
    'fusedConv2d activation',
    'fusedConv2d',
    ArgumentError,
    () => ops.fusedConv2d(img(), flt(), { activation: bad('swish') }),
  ],
  ['fusedConv2d empty window', 'fusedConv2d', ShapeError, () => ops.fusedConv2d(img(), flt(0, 1))],
  ['fusedConv2d bias', 'fusedConv2d', ShapeError, () => ops.fusedConv2d(img(), flt(), { bias: f([4]) })],
  ['fusedConv2d stride', 'fusedConv2d', ArgumentError, () => ops.fusedConv2d(img(), flt(), { strides: -1 })],

  // ---- pooling ----
  ['maxPool2d zero window', 'maxPool2d', ArgumentError, () => ops.maxPool2d(img(), 0)],
  ['maxPool2d NaN window', 'maxPool2d', ArgumentError, () => ops.maxPool2d(img(), Number.NaN), 'NaN'],
  ['maxPool2d rank', 'maxPool2d', ShapeError, () => ops.maxPool2d(f([4, 4, 2]), 2)],
  ['maxPool2d int', 'maxPool2d', DTypeError, () => ops.maxPool2d(i32([1, 4, 4, 2]), 2)],
  ['avgPool2d window too large', 'avgPool2d', ShapeError, () => ops.avgPool2d(img(), 5)],
  ['avgPool2d negative stride', 'avgPool2d', ArgumentError, () => ops.avgPool2d(img(), 2, { strides: -1 })],
  [
    'avgPool2d padding >= window',
    'avgPool2d',
    ShapeError,
    () =>
      ops.avgPool2d(img(), 2, {
        padding: [
          [2, 2],
          [0, 0],
        ],
      }),
  ],
  ['globalAvgPool2d rank', 'globalAvgPool2d', ShapeError, () => ops.globalAvgPool2d(f([4, 4, 2]))],
  ['globalAvgPool2d int', 'globalAvgPool2d', DTypeError, () => ops.globalAvgPool2d(i32([1, 4, 4, 2]))],
  ['globalMaxPool2d int', 'globalMaxPool2d', DTypeError, () => ops.globalMaxPool2d(i32([1, 4, 4, 2]))],

  // ---- fused layers' ops ----
  ...batchNormRows(),
  ['moments int', 'moments', DTypeError, () => ops.moments(i32([2, 3]))],
  ['moments axis', 'moments', ArgumentError, () => ops.moments(f([2, 3]), [5])],
  ['lstmCell shapes', 'lstmCell', ShapeError, () => ops.lstmCell(f([2, 7]), f([2, 2]))],
  ['lstmCell int', 'lstmCell', DTypeError, () => ops.lstmCell(i32([2, 8]), i32([2, 2]))],
  [
    'lstmSequence shapes',
    'lstmSequence',
    ShapeError,
    () => ops.lstmSequence(f([2, 3, 4]), f([5, 8]), f([2, 8]), f([8])),
  ],
  [
    'lstmSequence int',
    'lstmSequence',
    DTypeError,
    () => ops.lstmSequence(i32([2, 3, 4]), f([4, 8]), f([2, 8]), f([8])),
  ],
  [
    'lstmSequence zero steps',
    'lstmSequence',
    ShapeError,
    () => ops.lstmSequence(f([2, 0, 4]), f([4, 8]), f([2, 8]), f([8])),
  ],
  ...optimizerRows(),
  [
    'softmaxCrossEntropy int',
    'softmaxCrossEntropy',
    DTypeError,
    () => ops.softmaxCrossEntropy(i32([2, 3]), f([2, 3])),
  ],
  [
    'softmaxCrossEntropy shapes',
    'softmaxCrossEntropy',
    ShapeError,
    () => ops.softmaxCrossEntropy(f([2, 3]), f([2, 4])),
  ],

  // ---- tensors ----
  ['to an unknown backend', 'to', BackendError, () => f([2]).to('no-such-backend')],
  ['initBackend unknown', 'initBackend', BackendError, () => initBackend('no-such-backend')],
  ['setBackend unknown', 'setBackend', BackendError, () => setBackend('no-such-backend')],
  ['add a disposed tensor', 'add', DisposedError, () => ops.add(disposed(), 1)],
  ['exp a disposed tensor', 'exp', DisposedError, () => ops.exp(disposed())],
  ['reshape a disposed tensor', 'reshape', DisposedError, () => ops.reshape(disposed(), [2])],
  ['matmul a disposed tensor', 'matmul', DisposedError, () => ops.matmul(disposed(), f([2, 2]))],
  ['dataSync of a disposed tensor', 'dataSync', DisposedError, () => disposed().dataSync()],
];

function batchNormRows(): Row[] {
  const c = () => f([3]);
  const bn = (x: Tensor, eps = 1e-5, mean = c()) => ops.batchNorm(x, { mean, variance: c() }, c(), c(), eps);
  return [
    ['batchNorm negative eps', 'batchNorm', ArgumentError, () => bn(f([2, 3]), -1)],
    ['batchNorm NaN eps', 'batchNorm', ArgumentError, () => bn(f([2, 3]), Number.NaN), 'NaN'],
    ['batchNorm Infinity eps', 'batchNorm', ArgumentError, () => bn(f([2, 3]), Infinity)],
    ['batchNorm mean shape', 'batchNorm', ShapeError, () => bn(f([2, 3]), 1e-5, f([4]))],
    ['batchNorm int x', 'batchNorm', DTypeError, () => bn(i32([2, 3]))],
    ['batchNorm scalar x', 'batchNorm', ShapeError, () => bn(f([]))],
    ['batchNorm no stats', 'batchNorm', ArgumentError, () => ops.batchNorm(f([2, 3]), bad(null), c(), c())],
    [
      'batchNormTraining int x',
      'batchNormTraining',
      DTypeError,
      () => ops.batchNormTraining(i32([2, 3]), c(), c()),
    ],
    [
      'batchNormTraining scalar x',
      'batchNormTraining',
      ShapeError,
      () => ops.batchNormTraining(f([]), c(), c()),
    ],
    [
      'batchNormTraining gamma shape',
      'batchNormTraining',
      ShapeError,
      () => ops.batchNormTraining(f([2, 3]), f([4]), c()),
    ],
    [
      'batchNormTraining negative eps',
      'batchNormTraining',
      ArgumentError,
      () => ops.batchNormTraining(f([2, 3]), c(), c(), -1),
    ],
  ];
}

function optimizerRows(): Row[] {
  const p = () => f([2]);
  const upd = (kind: string, hyper: object, param = p(), state: Tensor[] = []) =>
    ops.optimizerUpdate(bad(kind), param, f([2]), state, bad(hyper));
  const mv = () => [f([2]), f([2])];
  return [
    ['sgd NaN lr', 'optimizerUpdate(sgd)', ArgumentError, () => upd('sgd', { lr: Number.NaN }), 'NaN'],
    ['sgd negative lr', 'optimizerUpdate(sgd)', ArgumentError, () => upd('sgd', { lr: -1 })],
    ['sgd Infinity lr', 'optimizerUpdate(sgd)', ArgumentError, () => upd('sgd', { lr: Infinity })],
    ['sgd int param', 'optimizerUpdate(sgd)', DTypeError, () => upd('sgd', sgd, i32([2]))],
    [
      'sgd negative momentum',
      'optimizerUpdate(sgd)',
      ArgumentError,
      () => upd('sgd', { lr: 0.1, momentum: -1 }),
    ],
    ['sgd shapes', 'optimizerUpdate(sgd)', ShapeError, () => upd('sgd', sgd, f([3]))],
    [
      'sgd nesterov not a flag',
      'optimizerUpdate(sgd)',
      ArgumentError,
      () => upd('sgd', { lr: 0.1, nesterov: 1 }),
    ],
    [
      'adam beta1 1.5',
      'optimizerUpdate(adam)',
      ArgumentError,
      () => upd('adam', adam({ beta1: 1.5 }), p(), mv()),
    ],
    [
      'adam negative eps',
      'optimizerUpdate(adam)',
      ArgumentError,
      () => upd('adam', adam({ eps: -1 }), p(), mv()),
    ],
    ['adam step 0', 'optimizerUpdate(adam)', ArgumentError, () => upd('adam', adam({ step: 0 }), p(), mv())],
    ['adam missing state', 'optimizerUpdate(adam)', ArgumentError, () => upd('adam', adam(), p(), [])],
    [
      'adam int state',
      'optimizerUpdate(adam)',
      DTypeError,
      () => upd('adam', adam(), p(), [i32([2]), f([2])]),
    ],
    ['unknown optimizer', 'optimizerUpdate(rmsprop)', ArgumentError, () => upd('rmsprop', sgd)],
  ];
}

export const INVALID_CALLS: readonly InvalidCall[] = ROWS.map(([name, op, error, call, mentions]) => ({
  name,
  op,
  error,
  call,
  mentions,
}));
