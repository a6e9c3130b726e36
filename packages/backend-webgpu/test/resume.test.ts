// Resuming a training run on webgpu: the scenario of layers' training-state test (batch norm, dropout,
// Adam, schedules, early stopping, a checkpoint folder every 2 steps), killed and resumed into a fresh
// model, ends bit-identical to the uninterrupted run on this backend — weights, losses and history.
// The scenario is small (40 examples of 6 features, 20 steps): it runs unreduced on the software adapter.
import { describeResume } from '../../layers/test/fixtures/resume-scenario.js';
import { useWebGPU } from './helpers.js';

describeResume('webgpu', () => useWebGPU('webgpu-resume'), 120_000);
