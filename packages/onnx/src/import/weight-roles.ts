/**
 * Weights mapped from ONNX's layouts to Dendrite's, by the role an op gives them. Applied once at load
 * time to an initializer (which then becomes a parameter in Dendrite's layout); applied at run time only
 * to a weight the graph computes.
 */
import { add, concat, reshape, split, type Tensor, transpose, zerosLike } from '@dendrite/core';

/** ONNX gate blocks i, o, f, c -> Dendrite's i, f, g, o along axis 0. */
function gatesToDendrite(t: Tensor): Tensor {
  const [i, o, f, c] = split(t, 4, 0);
  return concat([i, f, c, o], 0);
}

export const WEIGHT_ROLES: Readonly<Record<string, (t: Tensor) => Tensor>> = {
  /** Conv W [out, in/g, kh, kw] -> HWIO [kh, kw, in/g, out]. */
  'conv-filter': (t) => transpose(t, [2, 3, 1, 0]),
  /** ConvTranspose W [in, out, kh, kw] -> [kh, kw, out, in]. */
  'conv-transpose-filter': (t) => transpose(t, [2, 3, 1, 0]),
  /** LSTM W [1, 4h, in] / R [1, 4h, h] -> [in, 4h] / [h, 4h], gates i, f, g, o. */
  'lstm-kernel': (t) => transpose(gatesToDendrite(reshape(t, t.shape.slice(1))), [1, 0]),
  /** LSTM B [1, 8h] (Wb then Rb) -> one bias [4h]. */
  'lstm-bias': (t) => {
    const [wb, rb] = split(reshape(t, [t.shape[1]]), 2, 0);
    return gatesToDendrite(add(wb, rb));
  },
};

/** Dendrite's i, f, g, o -> ONNX's i, o, f, c along axis 0. */
function gatesToOnnx(t: Tensor): Tensor {
  const [i, f, g, o] = split(t, 4, 0);
  return concat([i, o, f, g], 0);
}

/** The inverse of each role: a parameter back in ONNX's layout, for exporting an imported model. */
export const UNDO_WEIGHT_ROLES: Readonly<Record<string, (t: Tensor) => Tensor>> = {
  'conv-filter': (t) => transpose(t, [3, 2, 0, 1]),
  'conv-transpose-filter': (t) => transpose(t, [3, 2, 0, 1]),
  'lstm-kernel': (t) => {
    const g = gatesToOnnx(transpose(t, [1, 0]));
    return reshape(g, [1, ...g.shape]);
  },
  'lstm-bias': (t) => reshape(concat([gatesToOnnx(t), zerosLike(t)], 0), [1, 2 * t.shape[0]]),
};
