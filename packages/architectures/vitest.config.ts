import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  // The long runs (1000 training steps per architecture) have their own job: `pnpm test:long-runs`.
  test: {
    name: 'architectures',
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'test/long-runs.test.ts'],
  },
});
