// Long runs on backend-cpu: every reference architecture (reduced sizes) trains for many steps with live
// tensors and backend bytes exactly flat after warm-up, and heap and RSS flat within a loose margin.
import { describeLongRuns } from './fixtures/long-runs.js';
import { useCpu } from './helpers.js';

describeLongRuns('cpu', () => useCpu());
