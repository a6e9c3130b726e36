import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

// The suite ships the repository's fixture folders inside dist/, each with an index.json, so the Node entry
// reads them from disk and a page can fetch them (see src/fixtures/sources.ts).
const FIXTURE_FOLDERS = ['torch', 'onnx'];

export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  onSuccess: async () => {
    for (const folder of FIXTURE_FOLDERS) {
      const to = `dist/fixtures/${folder}`;
      // Data only: the generator scripts kept beside the fixtures stay in the repository.
      cpSync(`../../fixtures/${folder}`, to, { recursive: true, filter: (src) => !src.endsWith('.py') });
      const files = readdirSync(to)
        .filter((f) => f.endsWith('.json') && f !== 'index.json')
        .sort();
      writeFileSync(`${to}/index.json`, `${JSON.stringify(files)}\n`);
    }
  },
});
