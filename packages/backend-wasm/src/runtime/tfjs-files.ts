/**
 * The only files of `@tensorflow/tfjs-backend-wasm` this backend runs: the Emscripten glue and the
 * compiled binaries. The build copies them into `dist/tfjs/` (tsup.config.ts), so the published package
 * has no runtime dependency on tfjs; tfjs-backend-wasm's own entry would pull tfjs-core and
 * tfjs-backend-cpu (about 65 MB installed) for nothing. Names are those in dist/tfjs/; the glue is
 * CommonJS, so it is `.cjs` there (the package is "type": "module"), plus an ES module wrapper for browsers.
 */

/** The tfjs-backend-wasm release the files come from (the exact devDependency). */
export const TFJS_WASM_VERSION = '4.22.0';

/** dist/tfjs/<name> ← @tensorflow/tfjs-backend-wasm/<path>. */
export const TFJS_FILES = {
  'tfjs-backend-wasm.cjs': 'wasm-out/tfjs-backend-wasm.js',
  'tfjs-backend-wasm-threaded-simd.cjs': 'wasm-out/tfjs-backend-wasm-threaded-simd.js',
  'tfjs-backend-wasm-threaded-simd.worker.cjs': 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js',
  'tfjs-backend-wasm.wasm': 'dist/tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm': 'dist/tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm': 'dist/tfjs-backend-wasm-threaded-simd.wasm',
} as const;

export type TfjsFile = keyof typeof TFJS_FILES;

/** The glue as an ES module (dist/tfjs/), for browsers and bundlers: the CommonJS source, wrapped. */
export const BROWSER_GLUE = 'tfjs-backend-wasm.browser.js';

/** Wraps the CommonJS glue so `import()` gives its factory as the default export. */
export function browserGlueSource(commonJs: string): string {
  return `// @tensorflow/tfjs-backend-wasm ${TFJS_WASM_VERSION} wasm-out/tfjs-backend-wasm.js (Apache-2.0, see THIRD_PARTY_NOTICES.md), wrapped as an ES module.
const module = { exports: {} };
(function (module, exports) {
${commonJs}
})(module, module.exports);
export default module.exports;
`;
}
