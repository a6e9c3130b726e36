/**
 * @dendrite/architectures — reference architectures built from @dendrite/layers: MLPs (the textbook
 * 3-4-2 network included), LeNet-5, ImageNet and CIFAR ResNets, ImageNet and CIFAR DenseNets, LSTM
 * sequence models and a character-level language model, stacked and denoising autoencoders with greedy
 * pre-training, MLP GANs and DCGAN with an alternating training step, and `summary`. Fixture adapters for
 * the conformance runner: `@dendrite/architectures/conformance`.
 */

export { type GreedyPretrainingOptions, pretrainGreedy } from './autoencoder/greedy-pretraining.js';
export {
  type Corruption,
  checkCorruption,
  corrupt,
  InputCorruption,
} from './autoencoder/input-corruption.js';
export { type AutoencoderOptions, StackedAutoencoder } from './autoencoder/stacked-autoencoder.js';
export type { BuildOptions } from './build-options.js';
export { DenseLayer, type DenseLayerOptions } from './densenet/dense-layer.js';
export {
  type CifarDenseNetOptions,
  cifarDenseNet,
  DENSENET_DEPTHS,
  type DenseBlockOptions,
  type DenseNetDepth,
  type DenseNetOptions,
  denseBlock,
  densenet,
  transition,
} from './densenet/densenet.js';
export { type DcganOptions, dcgan } from './gan/dcgan.js';
export { Gan } from './gan/gan.js';
export { discriminatorLoss, generatorLoss } from './gan/gan-losses.js';
export { type GanStepOptions, type GanStepResult, ganStep } from './gan/gan-step.js';
export { type MlpGanOptions, mlpGan } from './gan/mlp-gan.js';
export { type LeNet5Options, lenet5 } from './lenet5.js';
export { type MlpOptions, mlp, textbookMlp } from './mlp.js';
export {
  CharLanguageModel,
  type CharLanguageModelOptions,
  type SampleOptions,
} from './recurrent/char-language-model.js';
export { CharVocabulary } from './recurrent/char-vocabulary.js';
export { type LstmClassifierOptions, lstmClassifier } from './recurrent/lstm-classifier.js';
export { type LstmRegressorOptions, lstmRegressor } from './recurrent/lstm-regressor.js';
export {
  BasicBlock,
  makeShortcut,
  ResidualBlock,
  type ResidualBlockOptions,
  type ShortcutKind,
} from './resnet/basic-block.js';
export { Bottleneck } from './resnet/bottleneck.js';
export { type CifarResNetOptions, cifarResNet } from './resnet/cifar-resnet.js';
export { OptionAShortcut } from './resnet/option-a-shortcut.js';
export { RESNET_DEPTHS, type ResNetDepth, type ResNetOptions, resnet } from './resnet/resnet.js';
export {
  formatSummary,
  humanCount,
  type ModelSummary,
  type SummaryRow,
  summary,
} from './summary.js';
export { type GradientOptimizer, gradientStep } from './training/gradient-step.js';
export {
  ARCHITECTURE_NAMES,
  type Architecture,
  type ArchitectureRequest,
  type ArchitectureTask,
  createArchitecture,
} from './zoo.js';
