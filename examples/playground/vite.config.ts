import { defineConfig } from 'vite';

// Plain TypeScript and DOM: no framework plugin. The .wasm binaries of @tensorflow/tfjs-backend-wasm are
// imported with `?url` (src/backends.ts), so Vite copies them into the build and serves them in dev.
export default defineConfig({
  base: './',
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  build: { target: 'es2022', outDir: 'dist', chunkSizeWarningLimit: 2000 },
});
