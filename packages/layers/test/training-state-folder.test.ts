// The training-state folder: a run killed mid-training resumes from the folder bit-identical to an
// uninterrupted one (model with buffers, dropout stream, Adam, schedules, early stopping); a state whose
// files were damaged or edited is refused with CheckpointError (problem 'checksum'); the two-file save
// commits atomically.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as d from '@dendrite/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../src/index.js';
import { trainingStateFolder } from '../src/node/index.js';
import { runScenario, SCENARIO_STEPS } from './fixtures/resume-scenario.js';
import { expectNoLeak, useCpu } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'dendrite-state-'));
beforeAll(() => useCpu());
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('trainingStateFolder and train({ resume })', () => {
  it('a run killed after 5 or 12 steps resumes bit-identical to one never interrupted', async () => {
    await expectNoLeak(async () => {
      const reference = (await runScenario(mkdtempSync(join(root, 'ref-')))).outcome!;
      expect(reference.losses.length).toBe(SCENARIO_STEPS);
      expect(reference.backend).toMatch(/^cpu/);
      for (const k of [5, 12]) {
        const dir = mkdtempSync(join(root, `crash${k}-`));
        const crashed = await runScenario(dir, { crashAfter: k });
        expect(crashed.outcome).toBeNull();
        // Saved every 2 steps: the folder holds step k (or k - 1); the resumed run redoes at most one.
        const done = k - (k % 2);
        const resumed = (await runScenario(dir, { resume: true })).outcome!;
        expect(resumed.losses, `resumed after ${k}`).toEqual(reference.losses.slice(done));
        expect(resumed.weights, `weights after ${k}`).toEqual(reference.weights);
        expect(resumed.history, `history after ${k}`).toBe(reference.history);
      }
    });
  }, 60_000);

  it('refuses damaged or edited state files with CheckpointError (checksum)', async () => {
    const dir = mkdtempSync(join(root, 'damaged-'));
    await runScenario(dir, { crashAfter: 3 });
    const store = trainingStateFolder(dir);
    const good = await store.load();
    expect(good).not.toBeNull();
    d.dispose(good!.tensors);
    const manifest = join(dir, 'state.json');
    const original = readFileSync(manifest, 'utf8');
    const tensorsFile = join(dir, readdirSync(dir).find((f) => f.endsWith('.safetensors'))!);
    const tensorBytes = readFileSync(tensorsFile);

    const refused = async (problem: string, message: RegExp) => {
      const error = await store.load().then(
        (s) => {
          if (s) d.dispose(s.tensors);
          return null;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CheckpointError);
      expect((error as CheckpointError).problem).toBe(problem);
      expect((error as Error).message).toMatch(message);
    };
    // One flipped bit in the tensors.
    const flipped = Buffer.from(tensorBytes);
    flipped[flipped.length - 1] ^= 1;
    writeFileSync(tensorsFile, flipped);
    await refused('checksum', /does not match its sha256/);
    writeFileSync(tensorsFile, tensorBytes);
    // An edited step count in the body.
    writeFileSync(manifest, original.replace('"globalStep": 2', '"globalStep": 3'));
    await refused('checksum', /body of state.json does not match its sha256/);
    // Not JSON, another format, a missing tensors file.
    writeFileSync(manifest, original.slice(0, 100));
    await refused('checksum', /not valid JSON/);
    writeFileSync(manifest, original.replace('dendrite-training-state-folder', 'other'));
    await refused('state', /not a Dendrite training state/);
    writeFileSync(manifest, original);
    rmSync(tensorsFile);
    await refused('state', /is missing/);
    // And train refuses to resume from it.
    await expect(runScenario(dir, { resume: true })).rejects.toThrow(CheckpointError);
  }, 30_000);

  it('a folder with nothing saved loads as null; a save leaves one tensors file and no temporaries', async () => {
    const dir = mkdtempSync(join(root, 'fresh-'));
    expect(await trainingStateFolder(dir).load()).toBeNull();
    await runScenario(dir, { crashAfter: 7 });
    const files = readdirSync(dir).sort();
    expect(files.length).toBe(2);
    expect(files[0]).toMatch(/^state-[0-9a-f]{16}\.safetensors$/);
    expect(files[1]).toBe('state.json');
  }, 30_000);
});
