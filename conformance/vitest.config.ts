import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'conformance-runner', include: ['test/**/*.test.ts'] },
});
