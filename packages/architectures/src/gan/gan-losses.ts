/**
 * The GAN losses on discriminator logits, with binary cross-entropy from logits (stable): the
 * discriminator learns real -> 1 and fake -> 0; the generator uses the non-saturating loss, fake -> 1
 * (Goodfellow et al. 2014, section 3), whose gradient stays large while the discriminator wins.
 */
import { add, onesLike, type Tensor, tidy, zerosLike } from '@dendrite/core';
import { binaryCrossEntropyWithLogits } from '@dendrite/layers';

/** `mean BCE(D(real), 1) + mean BCE(D(fake), 0)`. */
export function discriminatorLoss(realLogits: Tensor, fakeLogits: Tensor): Tensor {
  return tidy(() =>
    add(
      binaryCrossEntropyWithLogits(realLogits, onesLike(realLogits)),
      binaryCrossEntropyWithLogits(fakeLogits, zerosLike(fakeLogits)),
    ),
  );
}

/** `mean BCE(D(G(z)), 1)`: the non-saturating generator loss. */
export function generatorLoss(fakeLogits: Tensor): Tensor {
  return tidy(() => binaryCrossEntropyWithLogits(fakeLogits, onesLike(fakeLogits)));
}
