/**
 * @dendrite/cli — the `dendrite` command (`summary`, `train`, `models`), also usable in-process:
 * `runCli(['summary', 'resnet50', '--json'], { stdout, stderr })`.
 */
export { BACKEND_CHOICES, type BackendChoice, selectBackend } from './backends.js';
export { type SummaryOptions, summarizeArchitecture, summaryJson } from './commands/summary.js';
export {
  modelInput,
  type TestMetrics,
  type TrainCommandOptions,
  type TrainResult,
  trainCommand,
} from './commands/train.js';
export { DATA_NAMES, type LoadDataOptions, loadData, type PreparedData } from './datasets.js';
export { type CliIo, runCli } from './program.js';
export { EpochProgress, formatLogs, type Output } from './progress.js';
