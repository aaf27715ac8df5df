// Weight values for a preset. Everything is seeded uniform noise except the LM head: it maps each
// content-word token's embedding to the next word of CONTENT_WORDS, so greedy decoding walks a cycle of
// readable words (in tiny the image decides where it enters the cycle), and every other column — EOS
// and all special tokens included — is zero and never wins the argmax: generation runs its full length.
// The cost is unchanged (a dense [hidden, vocab] MatMul); embeddings need a large std (1) so the token's
// own embedding dominates the residual stream at the last layer.
import { uniformWeights } from './rng';
import type { Preset } from './presets';
import type { BuiltTokenizer } from './tokenizer';

// Greedy output doesn't depend on this; sampling does: with the next word's logit ~8 against 0 for the
// hundreds of zero columns, temperature 1 keeps the cycle most of the time and still varies.
const NEXT_WORD_LOGIT = 8;

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
    return () => {
      const embed = this.embedTable()();
      const w = new Float32Array(hidden * vocab);
      const words = this.tokenizer.contentWordIds;
      // The final RMSNorm scales the embedding e to unit rms, so the logit is |e|²/rms(e) ≈ hidden·std.
      const gain = NEXT_WORD_LOGIT / (hidden * this.preset.std.embed);
      words.forEach((from, k) => {
        const to = words[(k + 1) % words.length]!;
        for (let h = 0; h < hidden; h++) w[h * vocab + to] = embed[from * hidden + h]! * gain;
      });
      return w;
    };
  }
}
