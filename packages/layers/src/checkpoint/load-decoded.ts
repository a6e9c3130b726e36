/**
 * Loading a decoded checkpoint into a module, with the PyTorch mapping where the file is PyTorch's:
 * asked for with `{ pytorch }`, or detected from the `format: pt` metadata that
 * `safetensors.torch.save_file` writes. A mismatch says what would fix it.
 */
import { ArgumentError, DendriteError, dispose } from '@dendrite/core';
import type { LoadStateOptions, Module } from '../module/module.js';
import { fromPyTorchStateDict, type PyTorchMappingOptions } from './pytorch.js';
import { hasPyTorchOnlyNames, looksLikePyTorchKeys } from './pytorch-hints.js';
import type { DecodedCheckpoint } from './safetensors.js';

export interface LoadDecodedOptions extends LoadStateOptions {
  /**
   * The tensors are a PyTorch state dict: map names and layouts (`true`, or mapping options). Default:
   * when the metadata says `format: pt` (as `safetensors.torch.save_file` writes); `false` reads the names
   * as they are.
   */
  readonly pytorch?: boolean | PyTorchMappingOptions;
}

/** The same error with `extra` appended to its message. */
function withHint(e: unknown, extra: string): unknown {
  if (!(e instanceof DendriteError)) return e;
  const Class = e.constructor as new (op: string, message: string) => DendriteError;
  return new Class(e.op, `${e.message.slice(e.op.length + 2)}${extra}`);
}

/**
 * Loads `checkpoint` (from `decodeSafetensors`, or `loadCheckpoint` on Node) into `module`, checked as
 * `loadStateDict` does. The caller still owns and disposes the checkpoint's tensors.
 */
export function loadDecodedCheckpoint(
  module: Module,
  checkpoint: DecodedCheckpoint,
  options: LoadDecodedOptions = {},
): void {
  const { tensors, metadata } = checkpoint;
  const detected = options.pytorch === undefined && metadata.format === 'pt';
  const pytorch = options.pytorch ?? detected;
  if (!pytorch) {
    try {
      module.loadStateDict(tensors, options);
    } catch (e) {
      const own = [...module.namedParameters(), ...module.namedBuffers()].map(([k]) => k);
      const ownLooksTorch = hasPyTorchOnlyNames(own);
      if (e instanceof ArgumentError && looksLikePyTorchKeys(Object.keys(tensors)) && !ownLooksTorch) {
        throw withHint(
          e,
          ". The checkpoint's names read like a PyTorch state_dict() (weight, bias, running_mean…): load it with { pytorch: true }",
        );
      }
      throw e;
    }
    return;
  }
  let converted: ReturnType<typeof fromPyTorchStateDict>;
  try {
    converted = fromPyTorchStateDict(module, tensors, pytorch === true ? {} : pytorch);
  } catch (e) {
    if (!detected) throw e;
    throw withHint(
      e,
      ' (read as a PyTorch state dict because the metadata says format: pt; pass { pytorch: false } to read the names as they are)',
    );
  }
  try {
    module.loadStateDict(converted, options);
  } finally {
    dispose(converted);
  }
}
