/** Options every layer takes, and the checks layers share. */
import { ArgumentError, getDefaultRng, type Rng, type Shape, ShapeError } from '@dendrite/core';

export interface LayerOptions {
  /** A name for errors and summaries (containers default it to the child's key). */
  readonly name?: string;
  /** Where initial weights (and dropout masks) come from; default core's global `Rng` (`setSeed`). */
  readonly rng?: Rng;
}

export function rngOf(options: LayerOptions): Rng {
  return options.rng ?? getDefaultRng();
}

export function fmtShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sizeOfShape(shape: Shape): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** A positive integer size argument (features, channels, units). */
export function expectSize(op: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ArgumentError(op, `${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** Refuses an input whose last axis is not `features` (rank >= `minRank`). */
export function expectLastAxis(op: string, inputShape: Shape, features: number, minRank = 1): void {
  if (inputShape.length < minRank || inputShape[inputShape.length - 1] !== features) {
    const lead = minRank > 1 ? 'N, ..., ' : '..., ';
    throw new ShapeError(op, `expected input [${lead}${features}], got ${fmtShape(inputShape)}`);
  }
}
