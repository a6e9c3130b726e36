// Resuming a training run on wasm: the scenario of layers' training-state test (batch norm, dropout,
// Adam, schedules, early stopping, a checkpoint folder every 2 steps), killed and resumed into a fresh
// model, ends bit-identical to the uninterrupted run on this backend — weights, losses and history.
import { describeResume } from '../../layers/test/fixtures/resume-scenario.js';
import { useWasm } from './helpers.js';

describeResume('wasm', () => useWasm('wasm-resume', { threads: 2 }));
