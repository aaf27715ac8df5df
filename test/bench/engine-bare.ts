// The benchmark's baseline: the same three SmolVLM graphs driven by onnxruntime-node directly —
// no transformers.js, no inference process — for one unsplit tile and a fixed number of greedy
// tokens. This is the cost floor the engine is compared against.
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { onnxFileFor, type SessionDtypes } from '../../main/models/dtypes';

export interface BareConfig {
  tile: number;
  imageTokenId: number;
  layers: number;
  kvHeads: number;
  headDim: number;
  mean: number[];
  std: number[];
  rescale: number;
}

export interface BareTimings {
  tokens: number[];
  preprocessS: number;
  visionS: number;
  prefillS: number;
  decodeS: number;
  totalS: number;
}

const seconds = (from: number) => (performance.now() - from) / 1000;

function argmaxLastRow(logits: ort.Tensor): number {
  const [, n, vocab] = logits.dims as number[];
  const data = logits.data as Float32Array;
  let best = 0;
  let bestValue = -Infinity;
  for (let v = 0, off = (n - 1) * vocab; v < vocab; v++) {
    if (data[off + v] > bestValue) { bestValue = data[off + v]; best = v; }
  }
  return best;
}

const i64 = (values: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);

export class BareSmolVlm {
  private constructor(
    private readonly vision: ort.InferenceSession,
    private readonly embed: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
    private readonly cfg: BareConfig,
  ) {}

  static async load(dir: string, dtypes: SessionDtypes, cfg: BareConfig): Promise<BareSmolVlm> {
    const open = (name: 'vision_encoder' | 'embed_tokens' | 'decoder_model_merged') =>
      ort.InferenceSession.create(path.join(dir, onnxFileFor(name, dtypes[name])), { executionProviders: ['cpu'] });
    const [vision, embed, decoder] = await Promise.all([open('vision_encoder'), open('embed_tokens'), open('decoder_model_merged')]);
    return new BareSmolVlm(vision, embed, decoder, cfg);
  }

  /** File → pixels (sharp, one tile) → vision → embed + merge → prefill → greedy decode of `newTokens`. */
  async caption(file: string, promptIds: number[], newTokens: number): Promise<BareTimings> {
    const { tile, imageTokenId } = this.cfg;
    const t0 = performance.now();
    const rgb = await sharp(file).rotate().toColourspace('srgb').removeAlpha().resize(tile, tile, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer();
    const plane = tile * tile;
    const pixels = new Float32Array(3 * plane);
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < plane; i++) pixels[c * plane + i] = (rgb[i * 3 + c] * this.cfg.rescale - this.cfg.mean[c]) / this.cfg.std[c];
    }
    const preprocessS = seconds(t0);

    let t = performance.now();
    const { image_features: features } = await this.vision.run({
      pixel_values: new ort.Tensor('float32', pixels, [1, 1, 3, tile, tile]),
      pixel_attention_mask: new ort.Tensor('bool', new Uint8Array(plane).fill(1), [1, 1, tile, tile]),
    });
    const visionS = seconds(t);

    t = performance.now();
    const n = promptIds.length;
    const { inputs_embeds: embeds } = await this.embed.run({ input_ids: i64(promptIds, [1, n]) });
    const hidden = (embeds.dims as number[])[2];
    const merged = new Float32Array(embeds.data as Float32Array);
    const feat = features.data as Float32Array;
    for (let pos = 0, row = 0; pos < n; pos++) {
      if (promptIds[pos] !== imageTokenId) continue;
      merged.set(feat.subarray(row * hidden, (row + 1) * hidden), pos * hidden);
      row++;
    }
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: new ort.Tensor('float32', merged, [1, n, hidden]),
      attention_mask: i64(new Array(n).fill(1), [1, n]),
      position_ids: i64([...Array(n).keys()], [1, n]),
    };
    for (let l = 0; l < this.cfg.layers; l++) {
      for (const kv of ['key', 'value']) feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, this.cfg.kvHeads, 0, this.cfg.headDim]);
    }
    let out = await this.decoder.run(feeds);
    const tokens = [argmaxLastRow(out.logits)];
    const prefillS = seconds(t);

    t = performance.now();
    while (tokens.length < newTokens) {
      const total = n + tokens.length;
      const { inputs_embeds: step } = await this.embed.run({ input_ids: i64([tokens[tokens.length - 1]], [1, 1]) });
      const next: Record<string, ort.Tensor> = {
        inputs_embeds: step,
        attention_mask: i64(new Array(total).fill(1), [1, total]),
        position_ids: i64([total - 1], [1, 1]),
      };
      for (let l = 0; l < this.cfg.layers; l++) {
        for (const kv of ['key', 'value']) next[`past_key_values.${l}.${kv}`] = out[`present.${l}.${kv}`];
      }
      out = await this.decoder.run(next);
      tokens.push(argmaxLastRow(out.logits));
    }
    const decodeS = seconds(t);
    return { tokens, preprocessS, visionS, prefillS, decodeS, totalS: seconds(t0) };
  }

  async release(): Promise<void> {
    await Promise.all([this.vision.release(), this.embed.release(), this.decoder.release()]);
  }
}
