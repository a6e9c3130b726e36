/**
 * `dendrite train --resume DIR`: continues a run from the training state its `--out` folder keeps in
 * `state/` (saved at each epoch's end, and every `--checkpoint-every` steps). The run is rebuilt from the
 * options saved with the state, so only what may change is taken from the command line: more `--epochs`,
 * another `--out`, `--no-report` (and `--backend`, though results are bit-identical to an uninterrupted
 * run only on the backend that started it). Options that define the run must not contradict it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ArgumentError } from '@dendrite/core';
import { TRAINING_STATE_MANIFEST } from '@dendrite/layers/node';
import { decodeNumbers } from '@dendrite/optim';
import type { TrainCommandOptions } from './train.js';

/** The folder of an --out folder where the training state lives. */
export const STATE_FOLDER = 'state';

/** The options that define a run: a resumed run must have the same. */
export const RUN_DEFINING = ['model', 'data', 'batch', 'lr', 'seed', 'limit'] as const;

/** `DIR` may be the run's --out folder or its state folder; returns the --out folder. */
export function runFolderOf(dir: string): string {
  const abs = resolve(dir);
  if (existsSync(join(abs, STATE_FOLDER, TRAINING_STATE_MANIFEST))) return abs;
  if (existsSync(join(abs, TRAINING_STATE_MANIFEST))) return resolve(abs, '..');
  throw new ArgumentError(
    'train --resume',
    `${abs} holds no training state (${STATE_FOLDER}/${TRAINING_STATE_MANIFEST}); a run saves one at each epoch's end and every --checkpoint-every steps`,
  );
}

/** The options a run saved with its state (`info.cli` of the body). */
export function savedRunOptions(outDir: string): TrainCommandOptions {
  const path = join(outDir, STATE_FOLDER, TRAINING_STATE_MANIFEST);
  let body: { info?: { cli?: TrainCommandOptions } };
  try {
    body = decodeNumbers(JSON.parse(readFileSync(path, 'utf8')).body) as typeof body;
  } catch (e) {
    throw new ArgumentError('train --resume', `cannot read ${path}: ${(e as Error).message}`);
  }
  const saved = body?.info?.cli;
  if (!saved || typeof saved.model !== 'string' || typeof saved.data !== 'string') {
    throw new ArgumentError('train --resume', `${path} was not written by dendrite train`);
  }
  return saved;
}

/**
 * The options of the resumed run: the saved ones, with `given` (only the options typed on the command
 * line) for epochs, backend, out, report and checkpointEvery; run-defining options must agree.
 */
export function resumedOptions(
  saved: TrainCommandOptions,
  given: Partial<TrainCommandOptions>,
  outDir: string,
): TrainCommandOptions {
  for (const key of RUN_DEFINING) {
    if (given[key] !== undefined && given[key] !== saved[key]) {
      throw new ArgumentError(
        'train --resume',
        `--${key} ${String(given[key])} contradicts the saved run's ${String(saved[key])}; leave it out to continue the run`,
      );
    }
  }
  return {
    ...saved,
    epochs: given.epochs ?? saved.epochs,
    backend: given.backend ?? saved.backend,
    report: given.report ?? saved.report,
    checkpointEvery: given.checkpointEvery ?? saved.checkpointEvery,
    out: given.out ?? outDir,
    resume: true,
  };
}
