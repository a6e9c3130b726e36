/**
 * One optimisation step on a module, for the training procedures of this package (greedy pre-training,
 * the GAN's alternating updates). The optimizer is a structural type, so any optimizer of
 * @dendrite/optim (`new Adam(model.trainableParameters())`) fits without this package depending on it.
 */
import { dispose, type Tensor } from '@dendrite/core';
import { type Module, type Parameter, valueAndGradOfModule } from '@dendrite/layers';

/** What the procedures here need from an optimizer: apply one update from gradients by parameter. */
export interface GradientOptimizer {
  step(grads: ReadonlyMap<Parameter, Tensor | null>): void;
}

/**
 * Computes `lossFn()` and its gradients for `parameters` (default: the module's trainable ones), applies
 * one `optimizer` update and frees the gradients. Returns the loss (owned by the caller).
 */
export function gradientStep(
  module: Module,
  lossFn: () => Tensor,
  optimizer: GradientOptimizer,
  parameters: readonly Parameter[] = module.trainableParameters(),
): Tensor {
  const { value, grads } = valueAndGradOfModule(module, lossFn, parameters);
  try {
    optimizer.step(new Map(parameters.map((p, i) => [p, grads[i]])));
  } finally {
    dispose(grads);
  }
  return value;
}
