import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'activations', include: ['test/**/*.test.ts'] },
});
