/**
 * @dendrite/layers/node — checkpoint files on Node (the default entry stays browser-safe; in a browser
 * use `encodeSafetensors` / `decodeSafetensors` with `fetch` or IndexedDB).
 */
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { dispose, type Tensor } from '@dendrite/core';
import { CheckpointError } from '../checkpoint/checkpoint-error.js';
import type { SafetensorsLimits } from '../checkpoint/limits.js';
import { type LoadDecodedOptions, loadDecodedCheckpoint } from '../checkpoint/load-decoded.js';
import {
  type DecodedCheckpoint,
  decodeWithHeader,
  encodeSafetensors,
  parseSafetensorsHeaderText,
  readSafetensorsHeaderLength,
  type SafetensorsHeader,
} from '../checkpoint/safetensors.js';
import { Module } from '../module/module.js';
import { writeFileAtomic } from './atomic-write.js';
import { removeStaleTemporaries } from './temporary-files.js';

export { writeFileAtomic } from './atomic-write.js';
export {
  processAlive,
  removeStaleTemporaries,
  temporaryHost,
  temporaryPathFor,
  temporaryWriter,
} from './temporary-files.js';
export {
  TRAINING_STATE_MANIFEST,
  type TrainingStateFiles,
  type TrainingStateFolder,
  trainingStateFolder,
} from './training-state-folder.js';

export interface SaveCheckpointOptions {
  /** String metadata stored in the header's `__metadata__`. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Writes a module's `stateDict()` (or a state dict) to `path` as safetensors, atomically: the bytes go to
 * a temporary file in the same folder, are flushed to disk, and the file is renamed over `path`, so a
 * crash leaves either the old checkpoint or the new one, never half of one. Temporary files that dead
 * writers left in the folder are removed.
 */
export async function saveCheckpoint(
  source: Module | Readonly<Record<string, Tensor>>,
  path: string,
  options: SaveCheckpointOptions = {},
): Promise<void> {
  const state = source instanceof Module ? source.stateDict() : source;
  const bytes = await encodeSafetensors(state, options.metadata);
  await writeFileAtomic(path, bytes);
}

export interface LoadCheckpointOptions {
  /** Caps on header size, tensor count and rank (defaults: `DEFAULT_SAFETENSORS_LIMITS`). */
  readonly limits?: SafetensorsLimits;
}

/**
 * Every tensor of a safetensors file (owned by the caller) and its metadata; refuses a corrupt file.
 * Reads the length field and the header first and validates them against the file's size, so a hostile
 * header is refused before the data is read; memory stays bounded by the file's size.
 */
export async function loadCheckpoint(
  path: string,
  options: LoadCheckpointOptions = {},
): Promise<DecodedCheckpoint> {
  await removeStaleTemporaries(dirname(path));
  const { bytes, header } = await readCheckedFile(path, options.limits);
  return decodeWithHeader(bytes, header);
}

/** The file's bytes, after its length field and header have been checked. */
async function readCheckedFile(
  path: string,
  limits?: SafetensorsLimits,
): Promise<{ bytes: Uint8Array; header: SafetensorsHeader }> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const prefix = new Uint8Array(Math.min(8, size));
    await file.read(prefix, 0, prefix.length, 0);
    const headerBytes = readSafetensorsHeaderLength(prefix, size, limits);
    const header = new Uint8Array(headerBytes);
    await file.read(header, 0, headerBytes, 8);
    const parsed = parseSafetensorsHeaderText(header, size, limits);
    const bytes = new Uint8Array(size);
    bytes.set(prefix, 0);
    bytes.set(header, 8);
    const rest = size - 8 - headerBytes;
    if (rest > 0) {
      const { bytesRead } = await file.read(bytes, 8 + headerBytes, rest, 8 + headerBytes);
      if (bytesRead !== rest) {
        throw new CheckpointError('loadCheckpoint', `${path} shrank while being read`, 'truncated');
      }
    }
    return { bytes, header: parsed };
  } finally {
    await file.close();
  }
}

export interface LoadCheckpointIntoOptions extends LoadDecodedOptions, LoadCheckpointOptions {}

/**
 * Loads a checkpoint file into `module` (checked as `loadStateDict` does) and frees what it read. A file
 * whose metadata says `format: pt` (PyTorch's `safetensors.torch.save_file`) is mapped from PyTorch's names
 * and layouts unless `{ pytorch: false }`; see `loadDecodedCheckpoint`.
 */
export async function loadCheckpointInto(
  module: Module,
  path: string,
  options: LoadCheckpointIntoOptions = {},
): Promise<void> {
  const checkpoint = await loadCheckpoint(path, options);
  try {
    loadDecodedCheckpoint(module, checkpoint, options);
  } finally {
    dispose(checkpoint.tensors);
  }
}
