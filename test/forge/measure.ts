// Bare transformers.js timing on a model folder: load, one image (single tile), N greedy tokens.
// tsx test/forge/measure.ts DIR [--dtype fp32|q8|q4|{json per file}] [--tokens 32] [--split]
import { parseArgs } from 'node:util';
import { AutoModelForVision2Seq, AutoProcessor, env, RawImage, type Tensor } from '@huggingface/transformers';
import sharp from 'sharp';

env.allowRemoteModels = false;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { dtype: { type: 'string', default: 'fp32' }, tokens: { type: 'string', default: '32' }, split: { type: 'boolean', default: false } },
});
const dir = positionals[0];
if (!dir) throw new Error('usage: tsx test/forge/measure.ts DIR [--dtype D] [--tokens N] [--split]');
const dtype = values.dtype!.startsWith('{') ? JSON.parse(values.dtype!) : values.dtype;
const maxNewTokens = Number(values.tokens);

const seconds = (from: number): number => +((performance.now() - from) / 1000).toFixed(2);
let t = performance.now();
const processor = await AutoProcessor.from_pretrained(dir);
const model = await AutoModelForVision2Seq.from_pretrained(dir, { dtype, device: 'cpu' });
const loadS = seconds(t);

// Time spent inside each ONNX session, to separate inference from transformers.js's own work.
const sessionSeconds: Record<string, number> = {};
const sessions = (model as unknown as { sessions: Record<string, { run: (...args: unknown[]) => Promise<unknown> }> }).sessions;
for (const [name, session] of Object.entries(sessions)) {
  const run = session.run.bind(session);
  session.run = async (...args: unknown[]) => {
    const start = performance.now();
    try {
      return await run(...args);
    } finally {
      sessionSeconds[name] = +((sessionSeconds[name] ?? 0) + (performance.now() - start) / 1000).toFixed(3);
    }
  };
}

// A deterministic 640×480 gradient photo stand-in.
const width = 640;
const height = 480;
const pixels = Buffer.alloc(width * height * 3);
for (let i = 0; i < width * height; i++) pixels.set([(i % width) % 256, Math.floor(i / width) % 256, (i * 7) % 256], i * 3);
const image = await RawImage.fromBlob(new Blob([new Uint8Array(await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg().toBuffer())]));
const messages = [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Describe this image.' }] }];
const prompt = processor.apply_chat_template(messages as never, { add_generation_prompt: true }) as string;

t = performance.now();
const inputs = await processor(prompt, [image], { do_image_splitting: values.split });
const preprocessS = seconds(t);
t = performance.now();
let firstTokenS = 0;
let puts = 0;
const out = (await model.generate({
  ...inputs,
  max_new_tokens: maxNewTokens,
  do_sample: false,
  // put() is called with the prompt first, then once per generated token.
  streamer: { put: () => (++puts === 2 ? (firstTokenS = seconds(t)) : 0), end: () => {} } as never,
})) as Tensor;
const generateS = seconds(t);
const promptTokens = inputs.input_ids.dims[1];
const generated = out.dims[1] - promptTokens;
const text = processor.batch_decode(out.slice(null, [promptTokens, null]) as Tensor, { skip_special_tokens: true })[0]!;
console.log(JSON.stringify({ dir, dtype, loadS, preprocessS, generateS, firstTokenS, sessionSeconds, promptTokens, generated, frames: inputs.pixel_values.dims[1], rssMB: Math.round(process.memoryUsage().rss / 1e6), text: text.slice(0, 120) }));
await model.dispose();
