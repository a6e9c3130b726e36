import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'template-layer-package', include: ['test/**/*.test.ts'] },
});
