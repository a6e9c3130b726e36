// Long runs on backend-cpu (`pnpm test:long-runs`, not `pnpm test`): every reference architecture
// (reduced sizes) trains for 1000 steps with live tensors and backend bytes exactly flat after warm-up,
// and heap and RSS flat within a margin.
import { describeLongRuns } from './fixtures/long-runs.js';
import { useCpu } from './helpers.js';

describeLongRuns('cpu', () => useCpu());
