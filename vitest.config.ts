import { defineConfig } from 'vitest/config';

// One run over every package, so the summary at the end counts every test in the repo.
export default defineConfig({
  test: {
    projects: ['packages/*', 'bench', 'conformance', 'templates/*'],
    reporters: ['default', './scripts/count-reporter.ts'],
  },
});
