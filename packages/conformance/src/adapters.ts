/**
 * Registers every package's fixture adapters with core's case runners, so the suite covers the ops each
 * package adds (activations, losses, layers, optimizers, whole architectures), not only core's.
 */
import {
  onnxAdapters as activationOnnx,
  torchAdapters as activationTorch,
} from '@dendrite/activations/conformance';
import { torchAdapters as architectureTorch } from '@dendrite/architectures/conformance';
import { registerOnnxOps, registerTorchOps } from '@dendrite/core/conformance';
import { torchAdapters as layerTorch } from '@dendrite/layers/conformance';
import { torchAdapters as optimTorch } from '@dendrite/optim/conformance';

let registered = false;

export function registerAllAdapters(): void {
  if (registered) return;
  registered = true;
  registerTorchOps(activationTorch);
  registerOnnxOps(activationOnnx);
  registerTorchOps(optimTorch);
  registerTorchOps(layerTorch);
  registerTorchOps(architectureTorch);
}
