// Progress: the bar line's numbers (elapsed time, time left, samples/s, totals from the data set's size
// before the loop knows them, a spinner and a count when nobody knows), drawn only on a terminal.
import { Writable } from 'node:stream';
import type { ProgressEvent } from '@dendrite/optim';
import { describe, expect, it } from 'vitest';
import { EpochProgress, formatBar, formatDuration } from '../src/index.js';

describe('formatBar', () => {
  it('shows the steps, the elapsed time, the time left and the throughput', () => {
    const line = formatBar({
      epoch: 2,
      epochs: 10,
      step: 10,
      total: 40,
      elapsedSeconds: 5,
      samples: 320,
      loss: 0.25,
    });
    expect(line).toBe(
      `epoch 2/10 |${'█'.repeat(6)}${'░'.repeat(18)}| 10/40 steps | 0:05 elapsed, 0:15 left | 64 samples/s | loss 0.2500`,
    );
  });

  it('shows a spinner and a count when the epoch length is unknown', () => {
    const a = formatBar({
      epoch: 1,
      epochs: 3,
      step: 136,
      total: undefined,
      elapsedSeconds: 65,
      samples: 8704,
      loss: 1,
    });
    expect(a).toBe('epoch 1/3 ⠦ 136 steps | 1:05 elapsed | 134 samples/s | loss 1.0000');
    const b = formatBar({
      epoch: 1,
      epochs: 3,
      step: 137,
      total: undefined,
      elapsedSeconds: 65,
      samples: 8768,
      loss: 1,
    });
    expect(b.split(' ')[2]).not.toBe(a.split(' ')[2]);
  });

  it('formats durations', () => {
    expect([
      formatDuration(0),
      formatDuration(59.6),
      formatDuration(3723),
      formatDuration(Number.NaN),
    ]).toEqual(['0:00', '1:00', '1:02:03', '-:--']);
  });
});

/** A fake terminal that records what is drawn. */
function terminal(isTTY: boolean) {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  }) as Writable & {
    isTTY: boolean;
    columns: number;
    cursorTo: () => boolean;
    clearLine: () => boolean;
    moveCursor: () => boolean;
  };
  stream.isTTY = isTTY;
  stream.columns = 200;
  return { stream, text: () => text };
}

const step = (s: number, stepsPerEpoch: number | undefined): ProgressEvent => ({
  type: 'step',
  epoch: 0,
  epochs: 2,
  step: s,
  stepsPerEpoch,
  loss: 0.5,
  metrics: {},
  lr: 1e-3,
});

describe('EpochProgress', () => {
  for (const [known, expected] of [
    ['from the data set size', /\| 3\/4 steps \|/],
    ['unknown', /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] 3 steps \|/],
  ] as const) {
    it(`draws the total ${known} on a terminal, then one line per epoch`, async () => {
      const t = terminal(true);
      const lines: string[] = [];
      let clock = 0;
      const progress = new EpochProgress(
        { log: (l) => lines.push(l), interactive: true, stream: t.stream },
        { batchSize: 8, samplesPerEpoch: known === 'unknown' ? undefined : 30, now: () => clock },
      );
      for (let s = 1; s <= 3; s++) {
        clock += 500;
        progress.onProgress(step(s, undefined));
      }
      // cli-progress redraws on its own timer (10 per second here).
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(t.text()).toMatch(expected);
      expect(t.text()).toMatch(/samples\/s/);
      progress.onProgress({
        ...step(4, 4),
        type: 'epochEnd',
        loss: 0.4,
        metrics: { loss: 0.4, val_loss: 0.3 },
      });
      expect(lines).toEqual(['epoch 1/2: loss 0.4000, val_loss 0.3000 (0:01)']);
    });
  }

  it('draws nothing but the epoch lines when the output is not a terminal', () => {
    const t = terminal(false);
    const lines: string[] = [];
    const progress = new EpochProgress(
      { log: (l) => lines.push(l), interactive: false, stream: t.stream },
      { batchSize: 8 },
    );
    for (let s = 1; s <= 3; s++) progress.onProgress(step(s, 3));
    progress.onProgress({ ...step(3, 3), type: 'epochEnd', metrics: { loss: 0.5 } });
    expect(t.text()).toBe('');
    expect(lines).toHaveLength(1);
  });
});
