// The forge's own guarantees: file layout and config coherence, exact ONNX I/O contract, streamed
// protobuf that decodes to the intended tensors, determinism per seed, and a KV cache that gives the
// same logits as a full forward pass.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgeModel, type ForgeResult } from './index';
import { onnx, writeModel } from './onnx-writer';
import { GraphBuilder } from './graph';
import { forgedModelDir, TINY } from '../support/models';

let work: string;
let forged: ForgeResult;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'forge-test-'));
  forged = await forgeModel({ preset: 'tiny', out: path.join(work, 'tiny'), dtypes: ['fp32', 'q8', 'q4'] });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const readJson = async <T>(name: string): Promise<T> => JSON.parse(await readFile(path.join(forged.dir, name), 'utf8')) as T;

interface ConfigFile {
  model_type: string;
  image_token_id: number;
  text_config: { model_type: string; num_hidden_layers: number; vocab_size: number };
}
interface TokenizerFile {
  added_tokens: { content: string; id: number; special: boolean }[];
  model: { vocab: Record<string, number> };
}

const sha = async (file: string): Promise<string> => createHash('sha256').update(await readFile(file)).digest('hex');

describe('tiny forge layout', () => {
  it('writes every file of the SmolVLM layout, per dtype suffix', () => {
    const names = forged.files.map((f) => f.name).sort();
    for (const file of ['config.json', 'generation_config.json', 'preprocessor_config.json', 'processor_config.json', 'tokenizer.json', 'tokenizer_config.json']) {
      expect(names).toContain(file);
    }
    for (const session of ['vision_encoder', 'embed_tokens', 'decoder_model_merged']) {
      for (const suffix of ['', '_quantized', '_q4']) expect(names).toContain(`onnx/${session}${suffix}.onnx`);
    }
    const fp32Bytes = forged.files.filter((f) => /^onnx\/[a-z_]+[a-z]\.onnx$/.test(f.name) && !/_q4|_quantized/.test(f.name)).reduce((n, f) => n + f.bytes, 0);
    expect(fp32Bytes).toBeLessThan(1_000_000); // "a few hundred KB"
  });

  it('keeps config, tokenizer and processor facts coherent', async () => {
    const config = await readJson<ConfigFile>('config.json');
    const tokenizer = await readJson<TokenizerFile>('tokenizer.json');
    const tokConfig = await readJson<{ tokenizer_class: string; chat_template: string }>('tokenizer_config.json');
    const generation = await readJson<{ eos_token_id: number }>('generation_config.json');
    const processor = await readJson<{ image_seq_len: number }>('processor_config.json');
    const pre = await readJson<{ processor_class: string; max_image_size: { longest_edge: number }; size: { longest_edge: number } }>(
      'preprocessor_config.json',
    );
    const added = new Map(tokenizer.added_tokens.map((t) => [t.content, t.id]));
    expect(tokenizer.added_tokens.every((t) => t.special)).toBe(true);

    expect(config.model_type).toBe('idefics3');
    expect(config.text_config.model_type).toBe('llama');
    expect(config.text_config.num_hidden_layers).toBe(TINY.textLayers);
    expect(config.image_token_id).toBe(added.get('<image>'));
    expect(generation.eos_token_id).toBe(added.get('<end_of_utterance>'));
    expect(added.get('<|im_start|>')).toBe(1);
    for (let r = 1; r <= 6; r++) for (let c = 1; c <= 6; c++) expect(added.has(`<row_${r}_col_${c}>`)).toBe(true);
    expect(added.has('<global-img>') && added.has('<fake_token_around_image>')).toBe(true);
    expect(Math.max(...added.values())).toBe(config.text_config.vocab_size - 1);
    // Every id below vocab_size decodes to something: BPE vocab and added tokens leave no gaps.
    expect(Object.keys(tokenizer.model.vocab).length + added.size - 17).toBe(config.text_config.vocab_size);
    expect(tokConfig.tokenizer_class).toBe('GPT2Tokenizer');
    expect(tokConfig.chat_template).toContain("{{ 'Assistant:' }}");
    expect(processor.image_seq_len).toBe(TINY.imageSeqLen);
    expect(pre.processor_class).toBe('Idefics3Processor');
    expect(pre.max_image_size.longest_edge).toBe(TINY.maxImageEdge);
    expect(pre.size.longest_edge % pre.max_image_size.longest_edge).toBe(0);
  });

  it('declares the real export’s ONNX inputs and outputs', async () => {
    const session = (name: string) => ort.InferenceSession.create(path.join(forged.dir, 'onnx', name));
    const vision = await session('vision_encoder.onnx');
    expect(vision.inputMetadata.map((m) => [m.name, m.isTensor && m.type, m.isTensor && m.shape])).toEqual([
      ['pixel_values', 'float32', ['batch_size', 'num_images', 3, 'height', 'width']],
      ['pixel_attention_mask', 'bool', ['batch_size', 'num_images', 'height', 'width']],
    ]);
    expect(vision.outputNames).toEqual(['image_features']);

    const embed = await session('embed_tokens_quantized.onnx');
    expect(embed.inputNames).toEqual(['input_ids']);
    expect(embed.outputNames).toEqual(['inputs_embeds']);

    const decoder = await session('decoder_model_merged_q4.onnx');
    const past = Array.from({ length: TINY.textLayers }, (_, i) => [`past_key_values.${i}.key`, `past_key_values.${i}.value`]).flat();
    expect(decoder.inputNames).toEqual(['inputs_embeds', 'attention_mask', 'position_ids', ...past]);
    expect(decoder.outputNames).toEqual(['logits', ...past.map((n) => n.replace('past_key_values', 'present'))]);
    const meta = decoder.inputMetadata.find((m) => m.name === 'past_key_values.0.key')!;
    expect(meta.isTensor && meta.shape).toEqual(['batch_size', TINY.kvHeads, 'past_sequence_length', TINY.headDim]);
  });

  it('forges byte-identical files for one seed and different weights for another', async () => {
    const again = await forgeModel({ preset: 'tiny', out: path.join(work, 'again'), dtypes: ['fp32'] });
    const other = await forgeModel({ preset: 'tiny', out: path.join(work, 'other'), seed: 7 });
    const file = 'onnx/decoder_model_merged.onnx';
    expect(await sha(path.join(again.dir, file))).toBe(await sha(path.join(forged.dir, file)));
    expect(await sha(path.join(other.dir, file))).not.toBe(await sha(path.join(forged.dir, file)));
    await expect(forgeModel({ preset: 'tiny', out: again.dir })).rejects.toThrow(/already exists/);
  });

  it('writes a config claiming another layer count when asked', async () => {
    const wrong = await forgeModel({ preset: 'tiny', out: path.join(work, 'wrong-layers'), claimedLayers: 5 });
    const config = JSON.parse(await readFile(path.join(wrong.dir, 'config.json'), 'utf8')) as ConfigFile;
    expect(config.text_config.num_hidden_layers).toBe(5);
    const decoder = await ort.InferenceSession.create(path.join(wrong.dir, 'onnx/decoder_model_merged.onnx'));
    expect(decoder.inputNames.filter((n) => n.endsWith('.key'))).toHaveLength(TINY.textLayers);
  });
});

describe('streamed ONNX writer', () => {
  it('produces a ModelProto whose initializers hold exactly the streamed bytes', async () => {
    const g = new GraphBuilder('probe');
    const x = g.input('x', 'float', ['n', 3]);
    const weights = Float32Array.from({ length: 6 }, (_, i) => i - 2.5);
    g.output('y', g.op('MatMul', [x, g.floats('w', [3, 2], () => weights)]), 'float', ['n', 2]);
    const file = path.join(work, 'probe.onnx');
    const bytes = await writeModel(file, g.toModel('test'));
    const buffer = await readFile(file);
    expect(buffer.length).toBe(bytes);
    const model = onnx.ModelProto.decode(buffer);
    expect(Number(model.irVersion)).toBe(8);
    const init = model.graph!.initializer![0]!;
    expect(init.name).toBe('w');
    expect(init.dims!.map(Number)).toEqual([3, 2]);
    expect(Array.from(new Float32Array(Uint8Array.from(init.rawData!).buffer))).toEqual(Array.from(weights));

    const session = await ort.InferenceSession.create(file);
    const result = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 0, 2), [1, 3]) });
    expect(Array.from(result.y!.data as Float32Array)).toEqual([-2.5 + 2 * 1.5, -1.5 + 2 * 2.5]);
  });
});

describe('decoder KV cache', () => {
  it('gives the same logits step by step with the cache as in one full pass', async () => {
    const dir = path.join(forged.dir, 'onnx');
    const embed = await ort.InferenceSession.create(path.join(dir, 'embed_tokens.onnx'));
    const decoder = await ort.InferenceSession.create(path.join(dir, 'decoder_model_merged.onnx'));
    const ids = [1, 100, 200, 300, 350, 420];
    const int64 = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, values.length]);
    const { inputs_embeds: embeds } = await embed.run({ input_ids: int64(ids) });
    const emptyPast = (): Record<string, ort.Tensor> => {
      const feeds: Record<string, ort.Tensor> = {};
      for (const name of decoder.inputNames.filter((n) => n.startsWith('past_key_values'))) {
        feeds[name] = new ort.Tensor('float32', new Float32Array(0), [1, TINY.kvHeads, 0, TINY.headDim]);
      }
      return feeds;
    };
    const rows = (t: ort.Tensor, from: number, to: number): Float32Array =>
      (t.data as Float32Array).slice(from * TINY.textHidden, to * TINY.textHidden);
    const full = await decoder.run({
      inputs_embeds: embeds!,
      attention_mask: int64(ids.map(() => 1)),
      position_ids: int64(ids.map((_, i) => i)),
      ...emptyPast(),
    });

    const split = 4;
    const first = await decoder.run({
      inputs_embeds: new ort.Tensor('float32', rows(embeds!, 0, split), [1, split, TINY.textHidden]),
      attention_mask: int64(ids.slice(0, split).map(() => 1)),
      position_ids: int64([0, 1, 2, 3]),
      ...emptyPast(),
    });
    const past: Record<string, ort.Tensor> = {};
    for (const [name, value] of Object.entries(first)) if (name.startsWith('present')) past[name.replace('present', 'past_key_values')] = value;
    const second = await decoder.run({
      inputs_embeds: new ort.Tensor('float32', rows(embeds!, split, ids.length), [1, ids.length - split, TINY.textHidden]),
      attention_mask: int64(ids.map(() => 1)),
      position_ids: int64([4, 5]),
      ...past,
    });
    const vocab = TINY.vocabSize;
    const fullLogits = full.logits!.data as Float32Array;
    const stepLogits = [...(first.logits!.data as Float32Array), ...(second.logits!.data as Float32Array)];
    expect(stepLogits).toHaveLength(fullLogits.length);
    let maxDiff = 0;
    for (let i = 0; i < fullLogits.length; i++) maxDiff = Math.max(maxDiff, Math.abs(fullLogits[i]! - stepLogits[i]!));
    expect(maxDiff).toBeLessThan(1e-3);
    expect(second.logits!.dims).toEqual([1, 2, vocab]);
    expect(second['present.0.key']!.dims).toEqual([1, TINY.kvHeads, ids.length, TINY.headDim]);
    // Causality: the first rows don't see later tokens, so they are the same without them.
    expect(Math.max(...fullLogits.slice(0, vocab).map((v, i) => Math.abs(v - stepLogits[i]!)))).toBeLessThan(1e-4);
  });
});

describe('forged model cache', () => {
  it('forges once for concurrent callers and reuses the folder afterwards', async () => {
    const cacheDir = path.join(work, 'cache');
    let forges = 0;
    const onProgress = (message: string) => {
      if (message.startsWith('onnx/decoder_model_merged.onnx')) forges++;
    };
    const [a, b] = await Promise.all([
      forgedModelDir('tiny', { cacheDir, onProgress }),
      forgedModelDir('tiny', { cacheDir, onProgress }),
    ]);
    expect(a).toBe(b);
    expect(forges).toBe(1);
    expect(path.basename(a)).toMatch(/^tiny-[0-9a-f]{12}$/);
    expect(await forgedModelDir('tiny', { cacheDir, onProgress })).toBe(a);
    expect(forges).toBe(1);
    expect(await readdir(cacheDir)).toEqual([path.basename(a)]); // no lock or staging debris
    expect(await forgedModelDir('tiny', { cacheDir, seed: 9 })).not.toBe(a);
  });

  it('takes over the lock of a forge whose process died', async () => {
    const cacheDir = path.join(work, 'cache-dead-lock');
    const dir = await forgedModelDir('tiny', { cacheDir, seed: 11 });
    await rm(dir, { recursive: true });
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(`${dir}.lock`, String(deadPid));
    expect(await forgedModelDir('tiny', { cacheDir, seed: 11 })).toBe(dir);
    expect(await readdir(cacheDir)).toEqual([path.basename(dir)]);
  });
});
