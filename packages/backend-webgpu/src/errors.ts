/**
 * Typed errors of the WebGPU backend. Each is a core `BackendError` (so callers that catch backend
 * problems catch these) naming what happened, the tensor or batch concerned and what to do.
 */
import { BackendError } from '@dendrite/core';

/** The GPU device was lost (driver reset, `destroy()`, an adapter that went away). */
export class GpuDeviceLostError extends BackendError {}

/** The device ran out of memory while creating buffers or running queued kernels. */
export class GpuOutOfMemoryError extends BackendError {}

/** A tensor needs a bigger storage binding than the device allows (`maxStorageBufferBindingSize`). */
export class GpuBufferLimitError extends BackendError {}

/** No WebGPU implementation or adapter: says what to install or run. */
export class GpuUnavailableError extends BackendError {}
