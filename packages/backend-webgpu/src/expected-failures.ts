/**
 * Conformance cases this backend is expected to fail, each with the reason (verified by the suite: one
 * that starts passing fails the run, so the list cannot go stale).
 */
export const WEBGPU_EXPECTED_FAILURES: Readonly<Record<string, string>> = {
  'special/tanh/every_special':
    'tanh(-0) gives +0 where PyTorch keeps -0 (the sign of zero is checked in the special-value goldens)',
};
