import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    // The default build (browsers and any other runtime): single-threaded.
    index: 'src/index.ts',
    register: 'src/register.ts',
    // The Node build ("node" export condition) and the worker it starts, which must sit next to it.
    node: 'src/node.ts',
    'node-register': 'src/node-register.ts',
    'cpu-worker': 'src/node/cpu-worker.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
