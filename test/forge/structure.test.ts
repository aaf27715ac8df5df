// The smolvlm-256m preset's graphs, checked without writing its ~1 GB of weights (initializers are
// generated only when written): parameter count, file sizes and I/O match SmolVLM-256M-Instruct. Also
// the vision encoder's handling of padding frames, on the tiny model.
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { elementCount, type GraphBuilder } from './graph';
import { PRESETS } from './presets';
import { buildDecoder, buildEmbedTokens } from './text';
import { buildTokenizer } from './tokenizer';
import { buildVisionEncoder } from './vision';
import { Weights } from './weights';
import { tinyModelDir, TINY } from '../support/models';
import type { WeightFormat } from './linear';

const preset = PRESETS['smolvlm-256m'];
const tokenizer = buildTokenizer({ baseVocabSize: preset.baseVocabSize });
const weights = new Weights(42, preset, tokenizer);

function summary(g: GraphBuilder) {
  const parts = g.toModel('test');
  const floats = parts.initializers.filter((i) => i.dataType === 1);
  return {
    parts,
    params: floats.reduce((n, i) => n + elementCount(i.dims), 0),
    bytes: parts.initializers.reduce((n, i) => n + i.byteLength, 0),
    io: (list: typeof parts.graph.input) => list!.map((v) => [v.name, v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))]),
  };
}

describe('smolvlm-256m structure', () => {
  const build = (format: WeightFormat) => ({
    vision: summary(buildVisionEncoder(weights, format)),
    embed: summary(buildEmbedTokens(weights, format)),
    decoder: summary(buildDecoder(weights, format)),
  });

  it('has the real special-token ids and vocab size', () => {
    expect(tokenizer.vocabSize).toBe(49280);
    expect(tokenizer.ids).toEqual({ endOfText: 0, imStart: 1, imEnd: 2, globalImg: 49152, fakeTokenAroundImage: 49189, image: 49190, endOfUtterance: 49279 });
    expect(tokenizer.specials.find((s) => s.content === '<row_2_col_3>')!.id).toBe(49152 + 6 + 3);
    expect(tokenizer.specials).toHaveLength(145);
  });

  it('holds ~256M parameters in files the size of the published fp32, q8 and q4 exports', () => {
    const fp32 = build('fp32');
    const total = fp32.vision.params + fp32.embed.params + fp32.decoder.params;
    expect(total / 256e6).toBeGreaterThan(0.99);
    expect(total / 256e6).toBeLessThan(1.01);
    const near = (actual: number, published: number, tolerance: number) => expect(Math.abs(actual / published - 1)).toBeLessThan(tolerance);
    near(fp32.vision.bytes, 374_316_497, 0.01);
    near(fp32.embed.bytes, 113_541_419, 0.01);
    near(fp32.decoder.bytes, 540_640_302, 0.01);
    const q8 = build('q8');
    near(q8.decoder.bytes, 137_221_644, 0.03);
    near(q8.embed.bytes, 28_385_824, 0.01);
    const q4 = build('q4');
    near(q4.decoder.bytes, 86_562_901, 0.05);
    near(q4.vision.bytes, 63_784_987, 0.05);
  });

  it('declares the real I/O names and dims', () => {
    const { vision, embed, decoder } = build('fp32');
    expect(vision.io(vision.parts.graph.input)).toEqual([
      ['pixel_values', ['batch_size', 'num_images', 3, 'height', 'width']],
      ['pixel_attention_mask', ['batch_size', 'num_images', 'height', 'width']],
    ]);
    expect(vision.io(vision.parts.graph.output)).toEqual([['image_features', ['num_real_frames', 64, 576]]]);
    expect(embed.io(embed.parts.graph.output)).toEqual([['inputs_embeds', ['batch_size', 'sequence_length', 576]]]);
    const inputs = decoder.io(decoder.parts.graph.input);
    expect(inputs).toHaveLength(3 + 60);
    expect(inputs[3]).toEqual(['past_key_values.0.key', ['batch_size', 3, 'past_sequence_length', 64]]);
    expect(inputs.at(-1)![0]).toBe('past_key_values.29.value');
    const outputs = decoder.io(decoder.parts.graph.output);
    expect(outputs[0]).toEqual(['logits', ['batch_size', 'sequence_length', 49280]]);
    expect(outputs.at(-1)).toEqual(['present.29.value', ['batch_size', 3, 'total_sequence_length', 64]]);
  });
});

describe('tiny vision encoder', () => {
  it('drops all-zero padding frames like Idefics3', async () => {
    const session = await ort.InferenceSession.create(path.join(await tinyModelDir(), 'onnx', 'vision_encoder.onnx'));
    const side = TINY.maxImageEdge;
    const frame = side * side * 3;
    const pixels = new Float32Array(3 * frame);
    pixels.fill(0.25, 0, frame);
    pixels.fill(-0.5, 2 * frame, 3 * frame); // frame 1 is padding
    const result = await session.run({
      pixel_values: new ort.Tensor('float32', pixels, [1, 3, 3, side, side]),
      pixel_attention_mask: new ort.Tensor('bool', new Uint8Array(3 * side * side).fill(1), [1, 3, side, side]),
    });
    expect(result.image_features!.dims).toEqual([2, TINY.imageSeqLen, TINY.textHidden]);
    const values = result.image_features!.data as Float32Array;
    expect(values.every(Number.isFinite)).toBe(true);
  });
});
