/**
 * Conformance cases this backend is expected to fail, each with the reason (verified by the suite: one
 * that starts passing fails the run, so the list cannot go stale).
 */
export const WEBGPU_EXPECTED_FAILURES: Readonly<Record<string, string>> = {
  'special/sin/huge_arguments':
    "sin beyond |x| = 1e5 is WGSL's built-in, whose accuracy is defined only on [-π, π] (SwiftShader: sin(1e30) gives 1 for -0.79); exact there needs a Payne–Hanek reduction",
  'special/cos/huge_arguments':
    "cos beyond |x| = 1e5 is WGSL's built-in, whose accuracy is defined only on [-π, π] (SwiftShader: cos(1e30) gives 1 for -0.61); exact there needs a Payne–Hanek reduction",
};
