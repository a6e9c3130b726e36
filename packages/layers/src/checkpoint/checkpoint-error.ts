/** A checkpoint that is not valid safetensors: truncated, a header that lies, offsets that overlap… */
import { DendriteError } from '@dendrite/core';

export class CheckpointError extends DendriteError {}
