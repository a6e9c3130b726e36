import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'package-checks', include: ['test/**/*.test.ts'], testTimeout: 120_000 },
});
