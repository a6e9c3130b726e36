/** Shared test helpers: a CPU backend per file, a leak check around a body, closeness of values. */
export { expectClose, expectNoLeak, useCpu, values } from '@dendrite/test-utils';
