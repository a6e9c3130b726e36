/** Side-effect entry under Node: `import '@dendrite/backend-cpu/register'` registers the CPU backend as 'cpu'. */
import { registerCpuBackend } from './node.js';

registerCpuBackend();
