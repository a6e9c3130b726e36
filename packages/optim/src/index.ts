/**
 * @dendrite/optim — optimizers with PyTorch's update rules, learning-rate schedules, gradient clipping and
 * the training loop. Depends on core only: parameters are structural (`{ value: Tensor }`) and the loop
 * takes any loss function over any iterable of batches.
 */
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions, AdamW } from './adam.js';
export type { EpochLogs } from './averages.js';
export type { LossResult } from './batch-values.js';
export type {
  CallbackState,
  History,
  ProgressEvent,
  TrainCallback,
  TrainCallbacks,
  TrainContext,
} from './callbacks.js';
export { clipByGlobalNorm, clipByValue, globalNorm } from './clip-gradients.js';
export type { Batches, DataSource } from './data-source.js';
export { DivergenceError, type NonFinitePolicy } from './divergence.js';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export { type EvaluateOptions, evaluate } from './evaluate.js';
export type { LoopState } from './loop-state.js';
export { accuracy, binaryAccuracy, type Metric } from './metrics.js';
export {
  type FusedRule,
  type Gradients,
  Optimizer,
  type OptimizerStateDict,
  type ParamState,
} from './optimizer.js';
export { listParameters, type ParameterRef, type ParameterSet, parameterRef } from './parameter-ref.js';
export { ReduceLrOnPlateau, type ReduceLrOnPlateauOptions } from './reduce-on-plateau.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export {
  constantLr,
  cosineAnnealing,
  exponentialDecay,
  type LrSchedule,
  linearWarmup,
  stepDecay,
} from './schedules.js';
export { SGD, type SGDOptions } from './sgd.js';
export { train } from './train.js';
export type { TrainOptions } from './train-options.js';
export {
  type CheckpointOptions,
  decodeNumbers,
  encodeNumbers,
  type SavedTraining,
  type StatefulModel,
  TRAINING_STATE_FORMAT,
  TRAINING_STATE_VERSION,
  TrainingStateError,
  type TrainingStateStore,
} from './training-state.js';
