/**
 * A folder that holds one training state (`train({ checkpoint: { store } })` of @dendrite/optim):
 *
 *   DIR/state-<sha256 prefix>.safetensors   the tensors (model, optimizer buffers, callbacks' tensors)
 *   DIR/state.json                          the rest, the tensors file's name, size and sha256, and the
 *                                           sha256 of the body
 *
 * Saving is atomic although it writes two files: the tensors go to a new, content-named file first;
 * `state.json`, renamed into place last, is the commit point; only then is the previous tensors file
 * removed. A crash at any moment leaves a folder whose `state.json` names a complete tensors file.
 * Loading checks both checksums and refuses a mismatch with `CheckpointError` (problem `checksum`).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tensor } from '@dendrite/core';
import { CheckpointError } from '../checkpoint/checkpoint-error.js';
import { decodeSafetensors, encodeSafetensors } from '../checkpoint/safetensors.js';
import { writeFileAtomic } from './atomic-write.js';
import { removeStaleTemporaries } from './temporary-files.js';

export const TRAINING_STATE_MANIFEST = 'state.json';
const FOLDER_FORMAT = 'dendrite-training-state-folder';
const TENSORS_FILE = /^state-[0-9a-f]{16}\.safetensors$/;

/** What `train()` saves and loads (structurally @dendrite/optim's `SavedTraining`). */
export interface TrainingStateFiles {
  readonly tensors: Readonly<Record<string, Tensor>>;
  readonly body: unknown;
}

export interface TrainingStateFolder {
  readonly location: string;
  save(state: TrainingStateFiles): Promise<void>;
  /** The saved state (tensors owned by the caller), or null when the folder holds none. */
  load(): Promise<TrainingStateFiles | null>;
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

interface Manifest {
  readonly format: string;
  readonly version: number;
  readonly tensors: { readonly file: string; readonly bytes: number; readonly sha256: string };
  readonly bodySha256: string;
  readonly body: unknown;
}

/** The training-state store of folder `dir` (created on the first save). */
export function trainingStateFolder(dir: string): TrainingStateFolder {
  const op = 'trainingStateFolder';
  const manifestPath = join(dir, TRAINING_STATE_MANIFEST);
  const corrupt = (message: string, problem: 'checksum' | 'state' = 'state'): never => {
    throw new CheckpointError(op, `${dir}: ${message}`, problem);
  };
  return {
    location: dir,

    async save({ tensors, body }) {
      await mkdir(dir, { recursive: true });
      const bytes = await encodeSafetensors(tensors, { format: 'dendrite-training-state' });
      const digest = sha256(bytes);
      const file = `state-${digest.slice(0, 16)}.safetensors`;
      await writeFileAtomic(join(dir, file), bytes);
      const manifest: Manifest = {
        format: FOLDER_FORMAT,
        version: 1,
        tensors: { file, bytes: bytes.length, sha256: digest },
        bodySha256: sha256(JSON.stringify(body)),
        body,
      };
      await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 1)}\n`);
      // Committed: the older tensors files are garbage now.
      for (const name of await readdir(dir)) {
        if (TENSORS_FILE.test(name) && name !== file) await unlink(join(dir, name)).catch(() => {});
      }
    },

    async load() {
      await removeStaleTemporaries(dir);
      let text: string;
      try {
        text = await readFile(manifestPath, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
      let manifest: Manifest;
      try {
        manifest = JSON.parse(text) as Manifest;
      } catch {
        return corrupt(`${TRAINING_STATE_MANIFEST} is not valid JSON`, 'checksum');
      }
      if (manifest?.format !== FOLDER_FORMAT || manifest.version !== 1) {
        corrupt(
          `${TRAINING_STATE_MANIFEST} is not a Dendrite training state (format ${JSON.stringify(manifest?.format)})`,
        );
      }
      const { tensors: entry } = manifest;
      if (!entry || typeof entry.file !== 'string' || !TENSORS_FILE.test(entry.file)) {
        corrupt(`${TRAINING_STATE_MANIFEST} names no tensors file`);
      }
      if (sha256(JSON.stringify(manifest.body)) !== manifest.bodySha256) {
        corrupt(
          `the body of ${TRAINING_STATE_MANIFEST} does not match its sha256 (edited or damaged)`,
          'checksum',
        );
      }
      let bytes: Buffer;
      try {
        bytes = await readFile(join(dir, entry.file));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT')
          corrupt(`the tensors file ${entry.file} is missing`);
        throw e;
      }
      if (bytes.length !== entry.bytes || sha256(bytes) !== entry.sha256) {
        corrupt(
          `${entry.file} does not match its sha256 in ${TRAINING_STATE_MANIFEST} (${bytes.length} bytes, ${entry.bytes} recorded)`,
          'checksum',
        );
      }
      const { tensors } = decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { tensors, body: manifest.body };
    },
  };
}
