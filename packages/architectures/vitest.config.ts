import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'architectures', include: ['test/**/*.test.ts'] },
});
