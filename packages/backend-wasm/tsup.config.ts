import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig } from 'tsup';
import { BROWSER_GLUE, browserGlueSource, TFJS_FILES, TFJS_WASM_VERSION } from './src/runtime/tfjs-files.js';

const require = createRequire(import.meta.url);
const PKG = '@tensorflow/tfjs-backend-wasm';

/**
 * Copies the only files of tfjs-backend-wasm this backend runs (the Emscripten glue and the .wasm
 * binaries, about 1.3 MB) into dist/tfjs/, so the published package needs no tfjs at run time.
 */
function vendorTfjsFiles() {
  const installed = (require(`${PKG}/package.json`) as { version: string }).version;
  if (installed !== TFJS_WASM_VERSION) {
    throw new Error(`${PKG} ${installed} is installed; src/runtime/tfjs-files.ts names ${TFJS_WASM_VERSION}`);
  }
  mkdirSync('dist/tfjs', { recursive: true });
  for (const [name, from] of Object.entries(TFJS_FILES)) {
    copyFileSync(require.resolve(`${PKG}/${from}`), `dist/tfjs/${name}`);
  }
  const glue = readFileSync(require.resolve(`${PKG}/${TFJS_FILES['tfjs-backend-wasm.cjs']}`), 'utf8');
  writeFileSync(`dist/tfjs/${BROWSER_GLUE}`, browserGlueSource(glue));
}

export default defineConfig({
  // Two entries: `node` (reads dist/tfjs/ with node:fs, worker_threads) and the browser-safe `index`.
  entry: { index: 'src/index.ts', node: 'src/node.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  esbuildPlugins: [
    {
      // The browser entry imports the glue by its tfjs path (so source and tests run against the
      // devDependency); the built package imports its own ES module copy instead.
      name: 'vendored-tfjs-glue',
      setup(build) {
        build.onResolve(
          { filter: /^@tensorflow\/tfjs-backend-wasm\/wasm-out\/tfjs-backend-wasm\.js$/ },
          () => ({
            path: `./tfjs/${BROWSER_GLUE}`,
            external: true,
          }),
        );
      },
    },
  ],
  onSuccess: async () => vendorTfjsFiles(),
});
