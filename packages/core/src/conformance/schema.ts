/** The two external fixture schemas the conformance suite reads, and the shape of its results. */

/** A tensor in the PyTorch fixtures (`fixtures/torch`, Dendrite's layouts). */
export interface TorchTensorJson {
  readonly shape: number[];
  readonly data: number[];
  readonly dtype?: string;
}

export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
  /** The sign of a zero counts (-0 expected must be -0): the special-value cases set it. */
  readonly signedZero?: boolean;
}

/** One case of `fixtures/torch/*.json` (see that folder's README). */
export interface TorchCase {
  readonly name: string;
  readonly op: string;
  readonly attrs?: Record<string, unknown>;
  /** absent in optimizer cases, which have only `params` */
  readonly inputs?: Record<string, TorchTensorJson>;
  readonly params?: Record<string, TorchTensorJson>;
  readonly state?: Record<string, TorchTensorJson>;
  /** Tensors; architecture cases record plain counts instead, compared exactly. */
  readonly outputs: Record<string, TorchTensorJson | number | number[] | Record<string, number>>;
  readonly dy?: Record<string, TorchTensorJson>;
  readonly grads?: Record<string, TorchTensorJson>;
  readonly paramsAfterStep?: Record<string, TorchTensorJson>;
  readonly steps?: readonly {
    grads: Record<string, TorchTensorJson>;
    params: Record<string, TorchTensorJson>;
  }[];
  readonly tolerance: Tolerance;
}

/** A tensor in the ONNX node tests (`fixtures/onnx`, ONNX layouts); null is an omitted optional input. */
export interface OnnxTensorJson {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: string;
  readonly data: (number | boolean | string)[];
}

export interface OnnxCase {
  readonly name: string;
  readonly op: string;
  readonly opset: number;
  readonly attrs: Record<string, unknown>;
  readonly inputs: (OnnxTensorJson | null)[];
  readonly outputs: (OnnxTensorJson | null)[];
}

export type CaseStatus = 'pass' | 'fail' | 'xfail' | 'xpass' | 'unsupported';

export interface CaseResult {
  /** Where the case came from: `torch:<file>` or `onnx:<file>`, or `spec`. */
  readonly source: string;
  readonly name: string;
  readonly op: string;
  readonly status: CaseStatus;
  readonly maxAbsErr: number;
  readonly maxRelErr: number;
  /** Why it failed, was expected to fail, or is unsupported. */
  readonly reason?: string;
}

export interface CaseTotals {
  pass: number;
  fail: number;
  xfail: number;
  xpass: number;
  unsupported: number;
}
