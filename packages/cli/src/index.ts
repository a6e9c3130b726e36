/**
 * @dendrite/cli — the `dendrite` command (`summary`, `train`, `models`), also usable in-process:
 * `runCli(['summary', 'resnet50', '--json'], { stdout, stderr })`.
 */
export {
  BACKEND_CHOICES,
  type BackendChoice,
  type BackendPick,
  describeBackend,
  pickBackend,
  selectBackend,
} from './backends.js';
export { type SummaryOptions, summarizeArchitecture, summaryJson } from './commands/summary.js';
export {
  modelInput,
  type TestMetrics,
  type TrainCommandOptions,
  type TrainResult,
  trainCommand,
} from './commands/train.js';
export {
  readPngImage,
  type VisualizeOptions,
  type VisualizeResult,
  visualizeCommand,
} from './commands/visualize.js';
export { DATA_NAMES, type LoadDataOptions, loadData, type PreparedData } from './datasets.js';
export { acceptsInput, fitInputToModel, type InputFit } from './fit-input.js';
export type { HistoryFile } from './history.js';
export { convertChannels, fitImage, type Image, resizeBilinear } from './images.js';
export { checkReadableFile, ensureWritableDir } from './paths.js';
export { type CliIo, runCli } from './program.js';
export {
  type BarState,
  EpochProgress,
  formatBar,
  formatDuration,
  formatLogs,
  type Output,
} from './progress.js';
export { type TrainingReportInput, writeTrainingReport } from './report/report.js';
