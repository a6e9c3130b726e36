import { defineConfig } from 'vitest/config';

// One browser test: it builds the page with Vite and drives it in headless Chromium (test/playground.test.ts).
export default defineConfig({
  test: { name: 'playground', include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 60_000 },
});
