// Long runs on webgpu of the dense and recurrent reference architectures (see webgpu-long-runs.ts).
import { describeWebGPULongRuns } from './webgpu-long-runs.js';

await describeWebGPULongRuns('dense and recurrent');
