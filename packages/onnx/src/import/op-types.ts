/** The shape of an imported op: positional inputs (null when omitted), attributes, positional outputs. */
import type { HostTensor } from '../proto/host-tensor.js';
import type { NodeInfo, Value } from './values.js';

export type Attrs = Record<string, number | string | number[] | string[] | HostTensor | undefined>;

export interface OpDefinition {
  /** Attributes it understands; any other one is refused with a typed error. */
  readonly attributes: readonly string[];
  readonly run: (
    node: NodeInfo,
    inputs: readonly (Value | null)[],
    attrs: Attrs,
    outputs: number,
  ) => (Value | null)[];
  /**
   * Inputs that are weights mapped to Dendrite's layout once at load time (when an initializer), by
   * input position: the role name and the host-side mapping.
   */
  /** Attribute values checked at load time (a typed error before any weight is touched). */
  readonly validate?: (node: NodeInfo, attrs: Attrs) => void;
  readonly weightRoles?: (attrs: Attrs) => Readonly<Record<number, string>>;
}
