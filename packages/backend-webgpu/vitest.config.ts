import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The software adapter (SwiftShader) compiles every pipeline on the CPU: give tests time.
  test: { name: 'backend-webgpu', include: ['test/**/*.test.ts'], testTimeout: 120_000 },
});
