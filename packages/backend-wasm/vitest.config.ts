import { configDefaults, defineConfig } from 'vitest/config';

// Node 20 compiles relaxed SIMD only behind a flag (Node 22 ships it): the tests run the emitted GEMM's
// multiply-add path too, so the test processes get the flag where it is needed.
const major = Number(process.versions.node.split('.')[0]);

export default defineConfig({
  test: {
    name: 'backend-wasm',
    include: ['test/**/*.test.ts'],
    // The long runs (1000 training steps per architecture) have their own job: `pnpm test:long-runs`.
    exclude: [...configDefaults.exclude, 'test/long-runs.test.ts'],
    execArgv: major < 22 ? ['--experimental-wasm-relaxed-simd'] : [],
  },
});
