/** Grad mode: whether ops record the autograd graph (`noGrad` for inference and optimizer updates). */
import { engine } from '../engine.js';

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = engine.gradEnabled;
  engine.gradEnabled = enabled;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    engine.gradEnabled = prev;
    throw e;
  }
  if (result instanceof Promise) {
    return result.finally(() => {
      engine.gradEnabled = prev;
    }) as T;
  }
  engine.gradEnabled = prev;
  return result;
}

/** Runs `fn` without recording the autograd graph (inference, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

export function isGradEnabled(): boolean {
  return engine.gradEnabled;
}
