import { defineConfig } from 'tsup';

// One runnable file; dependencies stay external so tfjs-backend-wasm finds its .wasm files in node_modules.
export default defineConfig({
  entry: { main: 'src/main.ts', tables: 'src/tables.ts' },
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'node',
  // The only tfjs code that is bundled: its gradients (see src/tfjs.ts).
  noExternal: [/^@tensorflow\/tfjs-core\/dist\/register_all_gradients/],
});
