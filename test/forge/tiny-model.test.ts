// The cached tiny model through the real transformers.js path (AutoProcessor + AutoModelForVision2Seq
// on onnxruntime-node): images in, deterministic readable words out, for every forged dtype.
import { AutoModelForVision2Seq, AutoProcessor, env, RawImage, type PreTrainedModel, type Processor, type Tensor } from '@huggingface/transformers';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyModelDir, TINY } from '../support/models';

env.allowRemoteModels = false;

let dir: string;
let processor: Processor;

beforeAll(async () => {
  dir = await tinyModelDir();
  processor = await AutoProcessor.from_pretrained(dir);
});

/** A 50×40 image: left half one colour, right half another. */
async function twoToneImage(left: [number, number, number], right: [number, number, number]): Promise<RawImage> {
  const width = 50;
  const height = 40;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) pixels.set(x < width / 2 ? left : right, (y * width + x) * 3);
  }
  const png = await sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer();
  return RawImage.fromBlob(new Blob([new Uint8Array(png)]));
}

function prompt(question: string): string {
  const messages = [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: question }] }];
  return processor.apply_chat_template(messages as never, { add_generation_prompt: true }) as string;
}

async function generate(model: PreTrainedModel, image: RawImage, split: boolean): Promise<{ ids: number[]; text: string; imageTokens: number }> {
  const inputs = await processor(prompt('Describe this image.'), [image], { do_image_splitting: split });
  const promptIds = Array.from(inputs.input_ids.data as BigInt64Array, Number);
  const out = (await model.generate({ ...inputs, max_new_tokens: 8, do_sample: false })) as Tensor;
  const ids = Array.from(out.data as BigInt64Array, Number).slice(promptIds.length);
  const text = processor.batch_decode([ids], { skip_special_tokens: true })[0]!;
  return { ids, text, imageTokens: promptIds.filter((id) => id === TINY.imageTokenId).length };
}

function expectWords(text: string): void {
  const words = text.trim().split(/\s+/);
  expect(words.length).toBeGreaterThanOrEqual(4);
  for (const word of words) expect(TINY.outputWords).toContain(word);
}

describe('tiny model with transformers.js', () => {
  it('formats the SmolVLM chat prompt and tokenizes special tokens as single ids', () => {
    const text = prompt('Describe.');
    expect(text).toBe('<|im_start|>User:<image>Describe.<end_of_utterance>\nAssistant:');
    const ids = Array.from(processor.tokenizer!('<|im_start|>User:<end_of_utterance>').input_ids.data as BigInt64Array, Number);
    expect(ids[0]).toBe(TINY.imStartId);
    expect(ids.at(-1)).toBe(TINY.eosTokenId);
    expect(processor.tokenizer!.decode(processor.tokenizer!.encode(' a cat on the beach 2024!'))).toBe(' a cat on the beach 2024!');
  });

  it('generates deterministic, image-dependent words (fp32, no splitting)', async () => {
    const model = await AutoModelForVision2Seq.from_pretrained(dir, { dtype: 'fp32', device: 'cpu' });
    const red = await twoToneImage([220, 20, 20], [250, 240, 30]);
    const blue = await twoToneImage([20, 20, 220], [10, 120, 20]);
    const first = await generate(model, red, false);
    const again = await generate(model, red, false);
    const other = await generate(model, blue, false);
    expect(first.imageTokens).toBe(TINY.imageSeqLen);
    expect(first.ids).toHaveLength(8);
    expect(first.ids).not.toContain(TINY.eosTokenId);
    expect(again.ids).toEqual(first.ids);
    expect(other.ids).not.toEqual(first.ids);
    expectWords(first.text);
    expectWords(other.text);
    await model.dispose();
  });

  it('runs with image splitting: 2×2 tiles plus the global image', async () => {
    const model = await AutoModelForVision2Seq.from_pretrained(dir, { dtype: 'fp32', device: 'cpu' });
    const image = await twoToneImage([30, 200, 90], [200, 200, 200]);
    const first = await generate(model, image, true);
    expect(first.imageTokens).toBe(5 * TINY.imageSeqLen);
    expect((await generate(model, image, true)).ids).toEqual(first.ids);
    expectWords(first.text);
    await model.dispose();
  });

  it.each(['q8', 'q4'] as const)('loads and generates with dtype %s', async (dtype) => {
    const model = await AutoModelForVision2Seq.from_pretrained(dir, { dtype, device: 'cpu' });
    const result = await generate(model, await twoToneImage([220, 20, 20], [250, 240, 30]), false);
    expect(result.ids).toHaveLength(8);
    expectWords(result.text);
    await model.dispose();
  });
});
