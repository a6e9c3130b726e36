/** The networks on offer: small enough to train in the browser in a few seconds on any backend. */
import { Dense, Sequential } from '@dendrite/layers';

export const ARCHITECTURES = {
  'mlp 2-16-16-2 tanh': () =>
    new Sequential([
      new Dense(2, 16, { activation: 'tanh' }),
      new Dense(16, 16, { activation: 'tanh' }),
      new Dense(16, 2),
    ]),
  'mlp 2-32-2 relu': () => new Sequential([new Dense(2, 32, { activation: 'relu' }), new Dense(32, 2)]),
  'linear 2-2': () => new Sequential([new Dense(2, 2)]),
} as const;

export type ArchitectureName = keyof typeof ARCHITECTURES;
