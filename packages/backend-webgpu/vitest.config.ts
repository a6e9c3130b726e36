import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The software adapter (SwiftShader) compiles every pipeline on the CPU: give tests time. The long
  // runs are short there, so they collect garbage before each memory sample (--expose-gc).
  test: {
    name: 'backend-webgpu',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    execArgv: ['--expose-gc'],
  },
});
