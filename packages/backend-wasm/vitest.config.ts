import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'backend-wasm', include: ['test/**/*.test.ts'] },
});
