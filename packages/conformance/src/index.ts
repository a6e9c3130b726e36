/**
 * @dendrite/conformance — the whole suite every Dendrite backend passes, browser-safe: give it fixture
 * sources (`fetchSource`, `objectSource`). In Node, `@dendrite/conformance/node` adds the built-in
 * fixtures and folders on disk. See README.md.
 */
export { registerAllAdapters } from './adapters.js';
export {
  type BackendSpec,
  type BackendUnderTest,
  prepareBackend,
  withoutOptionalKernels,
} from './backend-under-test.js';
export { applyExpectation, type ExpectedFailures, expectedFailureFor, isAcceptable } from './expectations.js';
export { type FixtureFile, parseFixtureFile } from './fixtures/parse.js';
export { type FixtureSource, fetchSource, loadFixtures, objectSource } from './fixtures/sources.js';
export { type ConformanceOptions, runConformance, type TestApi } from './run-conformance.js';
export { type RunOptions, runSuite, type SuiteReport, totalsOf } from './run-suite.js';
export { buildSuite, type SuiteCase, type SuiteGroup, type SuiteOptions } from './suite.js';
