// Weight values for a preset. Everything is seeded uniform noise, except in presets with `steerWords`:
// there the LM head maps each content-word token's embedding to the next word of CONTENT_WORDS, so
// greedy decoding walks a cycle of readable words (the image decides where it enters the cycle), and
// every other column — EOS and all special tokens included — is zero and never wins the argmax.
import { uniformWeights } from './rng';
import type { Preset } from './presets';
import type { BuiltTokenizer } from './tokenizer';

const LM_HEAD_GAIN = 0.25; // keeps steered logits around 10–20

export class Weights {
  constructor(
    readonly seed: number,
    readonly preset: Preset,
    readonly tokenizer: BuiltTokenizer,
  ) {}

  uniform(name: string, count: number, std: number): () => Float32Array {
    return () => uniformWeights(this.seed, name, count, std);
  }

  constant(count: number, value: number): () => Float32Array {
    return () => new Float32Array(count).fill(value);
  }

  /** [vocab, hidden] */
  embedTable(): () => Float32Array {
    const { hidden } = this.preset.text;
    return this.uniform('embed_tokens.weight', this.tokenizer.vocabSize * hidden, this.preset.std.embed);
  }

  /** [hidden, vocab] */
  lmHead(): () => Float32Array {
    const { hidden } = this.preset.text;
    const vocab = this.tokenizer.vocabSize;
    if (!this.preset.steerWords) {
      return () => {
        const w = uniformWeights(this.seed, 'lm_head.weight', hidden * vocab, this.preset.std.linear);
        // A zero EOS column: random logits almost always have a positive maximum, so generation runs
        // its full length in benchmarks.
        const eos = this.tokenizer.ids.endOfUtterance;
        for (let h = 0; h < hidden; h++) w[h * vocab + eos] = 0;
        return w;
      };
    }
    return () => {
      const embed = this.embedTable()();
      const w = new Float32Array(hidden * vocab);
      const words = this.tokenizer.contentWordIds;
      words.forEach((from, k) => {
        const to = words[(k + 1) % words.length]!;
        for (let h = 0; h < hidden; h++) w[h * vocab + to] = embed[from * hidden + h]! * LM_HEAD_GAIN;
      });
      return w;
    };
  }
}
