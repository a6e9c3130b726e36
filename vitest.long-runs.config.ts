import { defineConfig } from 'vitest/config';

// `pnpm test:long-runs`: every reference architecture trained for 1000 steps on each backend (fewer on a
// software WebGPU adapter, see backend-webgpu's test), memory flat after warm-up. A job of its own (CI runs
// it after `pnpm test`), so that `pnpm test` stays fast: it takes about 6 minutes on 2 cores. The
// four files (cpu, wasm, and webgpu's two halves) run side by side, each in its own process; --expose-gc
// lets the fixture collect before every memory sample. Node 20 compiles relaxed SIMD only behind a flag
// (backend-wasm's GEMM uses it).
const major = Number(process.versions.node.split('.')[0]);
const longRuns = (name: string, root: string, execArgv: string[] = []) => ({
  test: {
    name,
    root,
    include: ['test/long-runs*.test.ts'],
    testTimeout: 900_000,
    execArgv: ['--expose-gc', ...execArgv],
  },
});

export default defineConfig({
  test: {
    projects: [
      longRuns('long runs (cpu)', 'packages/architectures'),
      longRuns(
        'long runs (wasm)',
        'packages/backend-wasm',
        major < 22 ? ['--experimental-wasm-relaxed-simd'] : [],
      ),
      longRuns('long runs (webgpu)', 'packages/backend-webgpu'),
    ],
    maxWorkers: 4,
    reporters: ['default', './scripts/count-reporter.ts'],
  },
});
