'use strict';
// @dendrite/backend-webgpu/browser is published as ES modules only. Node >= 20.19 / >= 22.12 can require() an ES module, so
// require() gets the same module as `import`; where it cannot, the error says how to load the package.
try {
  module.exports = require('../dist/index.js');
} catch (error) {
  if (error && (error.code === 'ERR_REQUIRE_ESM' || error.code === 'ERR_REQUIRE_ASYNC_MODULE')) {
    const specifier = '@dendrite/backend-webgpu/browser';
    const message =
      `${specifier} is an ES module only package (ESM only): this Node cannot require() it. ` +
      `Load it with \`import { ... } from '${specifier}'\` in an ES module (a .mjs file, or "type": "module" ` +
      `in your package.json), or with \`await import('${specifier}')\` from CommonJS. ` +
      'Node >= 20.19 or >= 22.12 can also require() it.';
    throw Object.assign(new Error(message, { cause: error }), { code: 'ERR_DENDRITE_ESM_ONLY' });
  }
  throw error;
}
