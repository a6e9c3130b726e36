import { defineConfig } from 'vite';

export default defineConfig({
  server: { host: '127.0.0.1' },
  // The workspace packages are served from their dist/ as they are (ES modules already).
  optimizeDeps: { exclude: ['@dendrite/backend-wasm'] },
  build: { target: 'es2022' },
});
