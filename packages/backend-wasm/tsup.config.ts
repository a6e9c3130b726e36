import { defineConfig } from 'tsup';

export default defineConfig({
  // Two entries: `node` (resolves the installed tfjs-backend-wasm files, worker_threads) and the
  // browser-safe `index`. The Emscripten glue and the .wasm binaries are never bundled: the glue is a
  // dependency (external) and the binaries are read at run time.
  entry: { index: 'src/index.ts', node: 'src/node.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: [/^@tensorflow\/tfjs-backend-wasm/],
});
