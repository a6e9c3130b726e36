// Long runs on wasm (`pnpm test:long-runs`, not `pnpm test`): every reference architecture (reduced
// sizes, the cases of architectures' long-run fixture) trains for 1000 steps with live tensors and
// backend bytes (the wasm heap's tensor storage) exactly flat after warm-up, and heap and RSS flat within
// a margin.
import { describeLongRuns } from '../../architectures/test/fixtures/long-runs.js';
import { useWasm } from './helpers.js';

describeLongRuns('wasm', () => useWasm('wasm-long-runs', { threads: 2 }));
