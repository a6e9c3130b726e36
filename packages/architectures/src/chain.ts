/**
 * Helpers for the composite modules of this package (blocks whose forward is a short chain of layers
 * with a skip or a concatenation): describing a chain for `summary` without running anything.
 */

import type { Shape } from '@dendrite/core';
import type { LayerDescription, Module } from '@dendrite/layers';

/** Describes `steps` run one after another from `inputShape`: each child's description and the last shape. */
export function describeChain(
  steps: readonly Module[],
  inputShape: Shape,
): { children: LayerDescription[]; outputShape: Shape } {
  const children: LayerDescription[] = [];
  let shape = inputShape;
  for (const step of steps) {
    const description = step.describe(shape);
    children.push(description);
    shape = description.outputShape;
  }
  return { children, outputShape: shape };
}

/** The output shape of `steps` run one after another (each step checks its input and names itself). */
export function chainOutputShape(steps: readonly Module[], inputShape: Shape): Shape {
  return steps.reduce<Shape>((shape, step) => step.outputShape(shape), inputShape);
}

export const fmtShape = (shape: Shape): string => `[${shape.join(', ')}]`;
