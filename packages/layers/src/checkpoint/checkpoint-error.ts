/** A checkpoint that is not valid safetensors: truncated, a header that lies, offsets that overlap… */
import { DendriteError } from '@dendrite/core';

/**
 * What was wrong, for callers (and tests) that react to one kind of damage; the message says it in words.
 * - `truncated`: fewer bytes than the length field or the header promise
 * - `header-size`: a header longer than the limit
 * - `encoding`: not UTF-8, a byte-order mark, or not starting with `{`
 * - `json`: not valid JSON, nested too deep, or not an object
 * - `duplicate-key`: a name given twice (JSON.parse would silently keep the last)
 * - `too-many-tensors`: more tensors than the limit
 * - `entry`: a tensor entry or `__metadata__` that is not what the format says (dtype, shape, offsets)
 * - `layout`: the byte ranges do not tile the data section exactly (gaps, overlaps, trailing bytes)
 * - `size`: a shape and dtype that need a different number of bytes than the range holds
 * - `value`: a value Dendrite's dtypes cannot hold (an int64 beyond int32)
 * - `checksum`: the bytes do not match the checksum recorded beside them
 * - `state`: a training state that does not fit what it is loaded into
 */
export type CheckpointProblem =
  | 'truncated'
  | 'header-size'
  | 'encoding'
  | 'json'
  | 'duplicate-key'
  | 'too-many-tensors'
  | 'entry'
  | 'layout'
  | 'size'
  | 'value'
  | 'checksum'
  | 'state'
  | 'invalid';

export class CheckpointError extends DendriteError {
  constructor(
    op: string,
    message: string,
    readonly problem: CheckpointProblem = 'invalid',
  ) {
    super(op, message);
  }
}
