// A hand-made folder in the SmolVLM file layout for download/import mechanics: real JSON configs and
// seeded random bytes standing in for the ONNX graphs (the store moves files, it never parses them).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const SESSIONS = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'] as const;

function seeded(seed: number, size: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Writes a SmolVLM-layout folder with the given dtype suffixes ('' = fp32); returns its path. */
export function makeModelFolder(dir: string, opts: { suffixes?: string[]; onnxBytes?: number; seed?: number; modelType?: string } = {}): string {
  const { suffixes = ['', '_quantized', '_fp16'], onnxBytes = 256 * 1024, seed = 7, modelType = 'idefics3' } = opts;
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  const json = (name: string, value: unknown) => writeFileSync(path.join(dir, name), JSON.stringify(value, null, 2));
  json('config.json', { model_type: modelType, architectures: ['Idefics3ForConditionalGeneration'], image_token_id: 49190, text_config: { model_type: 'llama', num_hidden_layers: 2 } });
  json('generation_config.json', { bos_token_id: 1, eos_token_id: 49279 });
  json('preprocessor_config.json', { processor_class: 'Idefics3Processor', image_processor_type: 'Idefics3ImageProcessor' });
  json('processor_config.json', { image_seq_len: 64 });
  json('tokenizer.json', { version: '1.0', model: { type: 'BPE', vocab: { a: 0 } } });
  json('tokenizer_config.json', { chat_template: '{{ messages }}' });
  json('special_tokens_map.json', { eos_token: '<end_of_utterance>' });
  writeFileSync(path.join(dir, 'README.md'), '# fixture\n');
  let n = seed;
  for (const s of SESSIONS) {
    for (const sfx of suffixes) writeFileSync(path.join(dir, 'onnx', `${s}${sfx}.onnx`), seeded(n++, onnxBytes + n));
  }
  return dir;
}

export function tempDir(prefix = 'smolalbum-models-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}
