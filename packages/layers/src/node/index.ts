/**
 * @dendrite/layers/node — checkpoint files on Node (the default entry stays browser-safe; in a browser
 * use `encodeSafetensors` / `decodeSafetensors` with `fetch` or IndexedDB).
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dispose, type Tensor } from '@dendrite/core';
import { type LoadDecodedOptions, loadDecodedCheckpoint } from '../checkpoint/load-decoded.js';
import { type DecodedCheckpoint, decodeSafetensors, encodeSafetensors } from '../checkpoint/safetensors.js';
import { Module } from '../module/module.js';

export interface SaveCheckpointOptions {
  /** String metadata stored in the header's `__metadata__`. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Writes a module's `stateDict()` (or a state dict) to `path` as safetensors, atomically: the bytes go to
 * a temporary file in the same folder, are flushed to disk, and the file is renamed over `path`, so a
 * crash leaves either the old checkpoint or the new one, never half of one.
 */
export async function saveCheckpoint(
  source: Module | Readonly<Record<string, Tensor>>,
  path: string,
  options: SaveCheckpointOptions = {},
): Promise<void> {
  const state = source instanceof Module ? source.stateDict() : source;
  const bytes = await encodeSafetensors(state, options.metadata);
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await open(temp, 'wx');
  try {
    await file.writeFile(bytes);
    await file.sync();
  } catch (e) {
    await file.close();
    await unlink(temp).catch(() => {});
    throw e;
  }
  await file.close();
  try {
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => {});
    throw e;
  }
}

/** Every tensor of a safetensors file (owned by the caller) and its metadata; refuses a corrupt file. */
export async function loadCheckpoint(path: string): Promise<DecodedCheckpoint> {
  const bytes = await readFile(path);
  return decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

export type LoadCheckpointIntoOptions = LoadDecodedOptions;

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
  const checkpoint = await loadCheckpoint(path);
  try {
    loadDecodedCheckpoint(module, checkpoint, options);
  } finally {
    dispose(checkpoint.tensors);
  }
}
