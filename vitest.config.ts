import { defineConfig } from 'vitest/config';

// One run over every package, so the summary at the end counts every test in the repo. The tests of layers
// and optim (their training tests included) run a second time on backend-cpu wrapped in core's
// deferredBackend (every kernel queued and run later, reads only asynchronous), holding them to the
// contract's rules for GPU backends.
const deferred = (name: string, root: string) => ({
  extends: `${root}/vitest.config.ts`,
  test: { name, root, env: { DENDRITE_TEST_BACKEND: 'deferred' } },
});

export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'bench',
      'conformance',
      'templates/*',
      'examples/playground',
      'tools/package-checks',
      deferred('layers (deferred backend)', 'packages/layers', ['test/training.test.ts']),
      deferred('optim (deferred backend)', 'packages/optim', [
        'test/train.test.ts',
        'test/optimizers.test.ts',
      ]),
    ],
    reporters: ['default', './scripts/count-reporter.ts'],
  },
});
