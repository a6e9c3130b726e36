// Long runs on webgpu of the convolutional reference architectures (see webgpu-long-runs.ts).
import { describeWebGPULongRuns } from './webgpu-long-runs.js';

await describeWebGPULongRuns('convolutional');
