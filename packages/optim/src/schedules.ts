/**
 * Learning-rate schedules as pure functions of the step (or epoch) count `t` (from 0) and the optimizer's
 * initial learning rate, so they compose (`linearWarmup(cosineAnnealing(…))`) and have closed forms.
 * The training loop sets `optimizer.lr = schedule(t, initialLr)` before each step or epoch.
 */
import { finiteAtLeast, positiveInteger } from './hyper.js';

export type LrSchedule = (t: number, baseLr: number) => number;

/** The base learning rate throughout. */
export function constantLr(): LrSchedule {
  return (_t, base) => base;
}

/** base · gamma^⌊t / stepSize⌋ (PyTorch's StepLR). */
export function stepDecay(options: { stepSize: number; gamma?: number }): LrSchedule {
  const stepSize = positiveInteger('stepDecay', 'stepSize', options.stepSize);
  const gamma = finiteAtLeast('stepDecay', 'gamma', options.gamma ?? 0.1, 0);
  return (t, base) => base * gamma ** Math.floor(t / stepSize);
}

/** base · gamma^t (PyTorch's ExponentialLR). */
export function exponentialDecay(options: { gamma: number }): LrSchedule {
  const gamma = finiteAtLeast('exponentialDecay', 'gamma', options.gamma, 0);
  return (t, base) => base * gamma ** t;
}

/**
 * minLr + (base − minLr)·(1 + cos(π·t / tMax))/2: from base at t = 0 down to minLr at t = tMax (PyTorch's
 * CosineAnnealingLR in closed form; past tMax it rises again, half a period at a time).
 */
export function cosineAnnealing(options: { tMax: number; minLr?: number }): LrSchedule {
  const tMax = positiveInteger('cosineAnnealing', 'tMax', options.tMax);
  const minLr = finiteAtLeast('cosineAnnealing', 'minLr', options.minLr ?? 0, 0);
  return (t, base) => minLr + ((base - minLr) * (1 + Math.cos((Math.PI * t) / tMax))) / 2;
}

/**
 * Linear warm-up in front of another schedule: from startFactor·after(0) at t = 0 up to after(0) at
 * t = warmupSteps, then `after` continues from its own t = 0.
 */
export function linearWarmup(options: {
  warmupSteps: number;
  startFactor?: number;
  after?: LrSchedule;
}): LrSchedule {
  const warmup = positiveInteger('linearWarmup', 'warmupSteps', options.warmupSteps);
  const start = finiteAtLeast('linearWarmup', 'startFactor', options.startFactor ?? 0, 0);
  const after = options.after ?? constantLr();
  return (t, base) =>
    t < warmup ? after(0, base) * (start + ((1 - start) * t) / warmup) : after(t - warmup, base);
}
