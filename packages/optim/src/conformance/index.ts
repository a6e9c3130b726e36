/**
 * @dendrite/optim/conformance — this package's fixture adapters as plain objects, for the repository's
 * conformance runner (`registerTorchOps(torchAdapters)`).
 */
export { optimizerFromAttrs, torchAdapters } from './torch-adapters.js';
