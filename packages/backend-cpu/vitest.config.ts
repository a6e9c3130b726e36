import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'backend-cpu',
    include: ['test/**/*.test.ts'],
    // Builds the Node entry and its worker for the thread tests (see the file).
    globalSetup: ['test/build-threaded.ts'],
  },
});
