/**
 * The kernel contract as run-time data: which methods every backend must have, and which optional
 * kernels it may override (core has a default for each). The registry checks a new backend against
 * `REQUIRED_KERNELS`; the conformance suite checks every optional kernel a backend has against core's
 * default. The type assertions below keep both lists equal to the `Backend` interface.
 */
import type { Backend } from './backend.js';
import { BackendError } from './errors.js';

/** Storage methods and primitive kernels: a backend without any of these cannot run. */
export const REQUIRED_KERNELS = [
  'upload',
  'read',
  'disposeData',
  'memory',
  'fill',
  'unary',
  'binary',
  'where',
  'cast',
  'reduce',
  'argReduce',
  'matmul',
  'conv2d',
  'conv2dBackpropInput',
  'conv2dBackpropFilter',
  'pool2d',
  'maxPool2dGrad',
  'avgPool2dGrad',
  'transpose',
  'slice',
  'concat',
  'pad',
  'expand',
  'gather',
  'scatterAdd',
] as const satisfies readonly (keyof Backend)[];

/** Fused and composite kernels with defaults in core (ops/fused/*); a backend overrides one to be faster. */
export const OPTIONAL_KERNELS = [
  'binaryScalar',
  'fusedMatmul',
  'fusedConv2d',
  'fusedActivationGrad',
  'softmax',
  'logSoftmax',
  'batchNormApply',
  'batchNormTrainingGrad',
  'softmaxCrossEntropy',
  'lstmCell',
  'lstmSequence',
  'lstmSequenceGrad',
  'optimizerUpdate',
  'optimizerUpdateMany',
] as const satisfies readonly (keyof Backend)[];

export type RequiredKernel = (typeof REQUIRED_KERNELS)[number];
export type OptionalKernel = (typeof OPTIONAL_KERNELS)[number];

// Compile-time completeness: every method of `Backend` is in exactly one list (or is plain metadata).
type Methods = {
  [K in keyof Backend]-?: NonNullable<Backend[K]> extends (...a: never[]) => unknown ? K : never;
}[keyof Backend];
type Metadata = 'readSync' | 'dispose' | 'info';
type Unlisted = Exclude<Methods, RequiredKernel | OptionalKernel | Metadata>;
const everyMethodListed: [Unlisted] extends [never] ? true : Unlisted = true;
type OptionalInterface = { [K in keyof Backend]-?: undefined extends Backend[K] ? K : never }[keyof Backend];
type RequiredButOptional = Extract<RequiredKernel, OptionalInterface>;
const requiredAreRequired: [RequiredButOptional] extends [never] ? true : RequiredButOptional = true;
void everyMethodListed;
void requiredAreRequired;

/** The required kernels `backend` lacks (not functions), in contract order. */
export function missingKernels(backend: Backend): RequiredKernel[] {
  const b = backend as unknown as Record<string, unknown>;
  return REQUIRED_KERNELS.filter((k) => typeof b[k] !== 'function');
}

/** The optional kernels `backend` overrides. */
export function overriddenKernels(backend: Backend): OptionalKernel[] {
  const b = backend as unknown as Record<string, unknown>;
  return OPTIONAL_KERNELS.filter((k) => typeof b[k] === 'function');
}

/** Refuses a backend that does not implement the whole required contract, naming what is missing. */
export function checkKernelTable(name: string, backend: Backend): void {
  const missing = missingKernels(backend);
  if (missing.length > 0) {
    throw new BackendError(
      'registerBackend',
      `backend '${name}' does not implement the required kernel${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of the contract (see REQUIRED_KERNELS in @dendrite/core)`,
    );
  }
}
