/** Side-effect entry: `import '@dendrite/backend-cpu/register'` registers the CPU backend as 'cpu'. */
import { registerCpuBackend } from './index.js';

registerCpuBackend();
