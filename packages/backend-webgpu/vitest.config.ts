import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  // The software adapter (SwiftShader) compiles every pipeline on the CPU: give tests time. The long
  // runs have their own job: `pnpm test:long-runs`.
  test: {
    name: 'backend-webgpu',
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'test/long-runs*.test.ts'],
    testTimeout: 120_000,
  },
});
