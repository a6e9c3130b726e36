import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'optim', include: ['test/**/*.test.ts'] },
});
