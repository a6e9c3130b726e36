/** The characters of a text, numbered in sorted order, to turn text into token ids and back. */
import { ArgumentError } from '@dendrite/core';

export class CharVocabulary {
  /** The characters (Unicode code points), sorted; a character's id is its index. */
  readonly chars: readonly string[];
  private readonly ids: ReadonlyMap<string, number>;

  constructor(chars: Iterable<string>) {
    this.chars = [...new Set(chars)].sort();
    if (this.chars.length === 0) throw new ArgumentError('CharVocabulary', 'needs at least one character');
    this.ids = new Map(this.chars.map((c, i) => [c, i]));
  }

  /** Every distinct character of `text`. */
  static fromText(text: string): CharVocabulary {
    return new CharVocabulary(Array.from(text));
  }

  get size(): number {
    return this.chars.length;
  }

  /** Token ids of `text`; a character outside the vocabulary is an ArgumentError. */
  encode(text: string): Int32Array {
    const chars = Array.from(text);
    const out = new Int32Array(chars.length);
    chars.forEach((c, i) => {
      const id = this.ids.get(c);
      if (id === undefined) {
        throw new ArgumentError(
          'CharVocabulary.encode',
          `character ${JSON.stringify(c)} at ${i} is not in the vocabulary`,
        );
      }
      out[i] = id;
    });
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const c = this.chars[ids[i]];
      if (c === undefined) {
        throw new ArgumentError('CharVocabulary.decode', `id ${ids[i]} is outside [0, ${this.size})`);
      }
      s += c;
    }
    return s;
  }
}
