/**
 * Fitting a data set's images to a model: every classifier of `dendrite models` trains on every image
 * data set. An architecture is built for the data's own image size when it can take it; when its layers
 * leave nothing to convolve or pool (LeNet-5's 5×5 windows on 8×8 digits, a DenseNet's four halvings),
 * the images are resized (bilinear) to the smallest of 32, 64, 128, 224 pixels a side that the model
 * accepts, and the run says so.
 */
import { createArchitecture } from '@dendrite/architectures';
import { DendriteError } from '@dendrite/core';
import type { Sample, Transform } from '@dendrite/data';
import { fitImage } from './images.js';

/**
 * The input an architecture gets for examples of `shape`: images and features as they are (an MLP or
 * an autoencoder flattens them); a sequence model reads an image row by row, features one at a time.
 */
export function modelInput(model: string, shape: readonly number[]): number[] {
  if (model.startsWith('lstm')) {
    if (shape.length === 3) return [shape[0], shape[1] * shape[2]];
    if (shape.length === 1) return [shape[0], 1];
  }
  return [...shape];
}

export interface InputFit {
  /** One example as the model gets it (`[32, 32, 1]`). */
  readonly shape: number[];
  /** Resizes each sample's `x` (absent when the data fit as they are). */
  readonly transform?: Transform;
  /** What was changed and why, for the run's output. */
  readonly note?: string;
}

/** Side lengths tried, smallest first, when a model cannot take the data's own size. */
const SIDES = [32, 64, 128, 224];

/** Whether `model` builds for examples of `input` and its layers can run on them (shapes only). */
export function acceptsInput(model: string, input: readonly number[], classes?: number): boolean {
  let arch: ReturnType<typeof createArchitecture> | undefined;
  try {
    arch = createArchitecture(model, {
      classes,
      input: modelInput(model, input),
      kernelInitializer: 'zeros',
    });
    arch.model.outputShape([1, ...arch.inputShape]);
    return true;
  } catch (e) {
    if (e instanceof DendriteError) return false;
    throw e;
  } finally {
    arch?.model.dispose();
  }
}

/** A transform resizing `x` of every sample to `shape` (`[H, W, C]`). */
export function resizeTransform(shape: readonly number[]): Transform {
  return (sample: Sample) => {
    const x = sample.x;
    const [h, w, c] = x.shape;
    const fitted = fitImage({ data: x.data as Float32Array, shape: [h, w, c] }, shape);
    return { ...sample, x: { data: fitted.data, shape: [...fitted.shape] } };
  };
}

const dims = (s: readonly number[]) => s.join('×');

/**
 * The input `model` gets for examples of `example`: the same when they fit or are not images; else
 * the images scaled up (aspect kept, the shorter side to 32, 64…) to the first size the model accepts.
 * `classes` is passed to the build (undefined for models without a classifier).
 */
export function fitInputToModel(model: string, example: readonly number[], classes?: number): InputFit {
  if (example.length !== 3 || acceptsInput(model, example, classes)) return { shape: [...example] };
  const [h, w, c] = example;
  for (const side of SIDES) {
    if (side <= Math.min(h, w)) continue;
    const scale = side / Math.min(h, w);
    const shape = [Math.round(h * scale), Math.round(w * scale), c];
    if (acceptsInput(model, shape, classes)) {
      return {
        shape,
        transform: resizeTransform(shape),
        note: `images resized from ${dims(example)} to ${dims(shape)} (bilinear): ${model} cannot take ${dims(example)}, ${dims(shape)} is the smallest size it accepts`,
      };
    }
  }
  // None fits: build at the data's size so the architecture's own error says why.
  return { shape: [...example] };
}
