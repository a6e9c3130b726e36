/**
 * An LSTM on the adding problem (Hochreiter & Schmidhuber 1997): each sequence holds random numbers and
 * two markers; the target is the sum of the two marked numbers, to be read out after the last step. A
 * model that ignores the markers scores MSE ≈ 0.167 (always predicting 1); solving it means carrying two
 * numbers across the whole sequence. `lstmRegressor` (16 hidden units, many-to-one), Adam, batches of 32
 * fresh sequences, evaluated every 50 steps on 1,000 held-out sequences until the target is met.
 *
 *   target: test MSE < 0.01 at length 50, within 2,000 steps (about 2 minutes at most on 2 cores)
 *   quick:  test MSE < 0.02 at length 10, within 500 steps
 *
 *   pnpm --filter @dendrite/examples example:lstm [--quick] [--seed 1]
 */
import { gradientStep, lstmRegressor } from '@dendrite/architectures';
import * as d from '@dendrite/core';
import { addingProblem } from '@dendrite/data';
import { meanSquaredError } from '@dendrite/layers';
import { Adam } from '@dendrite/optim';
import { exampleOptions, reportTarget, seconds, useBackend } from './kit.js';

const options = exampleOptions('An LSTM on the adding problem');
await useBackend(options.backend);
const start = performance.now();
const quick = options.quick;
const length = quick ? 10 : 50;
const maxSteps = quick ? 500 : 2000;
const every = quick ? 25 : 50;
const bound = quick ? 0.02 : 0.01;
const batch = 32;

const model = lstmRegressor({
  inputSize: 2,
  hiddenSize: 16,
  sequenceOutput: false,
  rng: new d.Rng(options.seed),
});
const optimizer = new Adam(model.trainableParameters(), { lr: 0.01 });
const trainSet = addingProblem({ size: batch * maxSteps, length, seed: options.seed });
const testSet = addingProblem({ size: 1000, length, seed: options.seed + 1000 });
const xs = trainSet.columns.x.data as Float32Array;
const ys = trainSet.columns.y.data as Float32Array;
const testX = d.tensor(testSet.columns.x.data as Float32Array, [1000, length, 2]);
const testY = d.tensor(testSet.columns.y.data as Float32Array, [1000, 1]);
const testMse = async () => {
  const e = d.noGrad(() => meanSquaredError(model.forward(testX), testY));
  const v = await e.item();
  e.dispose();
  return v;
};
console.log(
  `adding problem, length ${length}: LSTM with ${model.countParameters()} parameters, batches of ${batch}`,
);

let mse = await testMse();
let step = 0;
while (step < maxSteps && mse >= bound) {
  const loss = d.tidy(() => {
    const x = d.tensor(xs.subarray(step * batch * length * 2, (step + 1) * batch * length * 2), [
      batch,
      length,
      2,
    ]);
    const y = d.tensor(ys.subarray(step * batch, (step + 1) * batch), [batch, 1]);
    return gradientStep(model, () => meanSquaredError(model.forward(x), y), optimizer);
  });
  loss.dispose();
  step++;
  if (step % every === 0) {
    mse = await testMse();
    if (step % (every * 4) === 0 || mse < bound)
      console.log(`step ${step}: test MSE ${mse.toFixed(4)} (${seconds(start)})`);
  }
}
console.log(`${step} steps of ${batch} sequences in ${seconds(start)}`);
reportTarget(`test MSE at length ${length}`, mse, '<', bound);
d.dispose([testX, testY]);
optimizer.dispose();
model.dispose();
