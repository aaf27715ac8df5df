// forgeModel: writes a complete SmolVLM-format model folder (configs, tokenizer, three ONNX graphs per
// dtype) with seeded random weights. The folder appears atomically: it is built beside `out` and renamed.
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { configJson, generationConfigJson, preprocessorConfigJson, processorConfigJson } from './configs';
import type { GraphBuilder } from './graph';
import type { WeightFormat } from './linear';
import { writeModel } from './onnx-writer';
import { imageSeqLen, PRESETS, type PresetName } from './presets';
import { buildDecoder, buildEmbedTokens } from './text';
import { buildTokenizer, CONTENT_WORDS, tokenizerConfigJson, tokenizerJson, type BuiltTokenizer } from './tokenizer';
import { buildVisionEncoder } from './vision';
import { Weights } from './weights';

export type { PresetName } from './presets';
export { PRESETS } from './presets';

export type ForgeDtype = WeightFormat;
/** transformers.js file suffix per dtype (utils/dtypes.js). */
export const DTYPE_SUFFIX: Record<ForgeDtype, string> = { fp32: '', q8: '_quantized', q4: '_q4' };
export const FORGE_DTYPES = Object.keys(DTYPE_SUFFIX) as ForgeDtype[];
export const SESSION_FILES = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'] as const;

export interface ForgeOptions {
  preset: PresetName;
  out: string;
  seed?: number;
  dtypes?: ForgeDtype[];
  /** Write this text_config.num_hidden_layers instead of the real count (for error-path tests). */
  claimedLayers?: number;
  /** Replace an existing `out` folder (otherwise an existing folder is an error). */
  overwrite?: boolean;
  onProgress?: (message: string) => void;
}

/** Facts about a forged model that tests and benchmarks need. */
export interface ModelFacts {
  preset: PresetName;
  seed: number;
  dtypes: ForgeDtype[];
  imageSeqLen: number;
  /** max_image_size.longest_edge: side of each encoder tile. */
  maxImageEdge: number;
  /** size.longest_edge: images are resized to this before splitting. */
  sizeLongestEdge: number;
  visionHidden: number;
  visionLayers: number;
  textHidden: number;
  textLayers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  vocabSize: number;
  imageTokenId: number;
  eosTokenId: number; // <end_of_utterance>
  imStartId: number;
  fakeTokenAroundImageId: number;
  globalImgId: number;
  /** The only words greedy decoding produces (see weights.ts). */
  outputWords: string[];
}

export interface ForgeResult {
  dir: string;
  files: { name: string; bytes: number }[];
  totalBytes: number;
  ms: number;
  facts: ModelFacts;
}

export const DEFAULT_SEED = 42;

export function modelFacts(preset: PresetName, seed = DEFAULT_SEED, dtypes: ForgeDtype[] = ['fp32'], tok?: BuiltTokenizer): ModelFacts {
  const p = PRESETS[preset];
  const t = tok ?? buildTokenizer({ baseVocabSize: p.baseVocabSize });
  return {
    preset,
    seed,
    dtypes,
    imageSeqLen: imageSeqLen(p),
    maxImageEdge: p.vision.tile,
    sizeLongestEdge: p.sizeLongestEdge,
    visionHidden: p.vision.hidden,
    visionLayers: p.vision.layers,
    textHidden: p.text.hidden,
    textLayers: p.text.layers,
    heads: p.text.heads,
    kvHeads: p.text.kvHeads,
    headDim: p.text.headDim,
    vocabSize: t.vocabSize,
    imageTokenId: t.ids.image,
    eosTokenId: t.ids.endOfUtterance,
    imStartId: t.ids.imStart,
    fakeTokenAroundImageId: t.ids.fakeTokenAroundImage,
    globalImgId: t.ids.globalImg,
    outputWords: [...CONTENT_WORDS],
  };
}

function parseDtypes(dtypes: ForgeDtype[]): ForgeDtype[] {
  for (const d of dtypes) {
    if (!FORGE_DTYPES.includes(d)) throw new Error(`unknown dtype "${d}" (expected one of ${FORGE_DTYPES.join(', ')})`);
  }
  return [...new Set(dtypes)];
}

export async function forgeModel(options: ForgeOptions): Promise<ForgeResult> {
  const started = performance.now();
  const preset = PRESETS[options.preset];
  if (!preset) throw new Error(`unknown preset "${options.preset}" (expected one of ${Object.keys(PRESETS).join(', ')})`);
  const seed = options.seed ?? DEFAULT_SEED;
  const dtypes = parseDtypes(options.dtypes ?? ['fp32']);
  const log = options.onProgress ?? (() => {});
  const out = path.resolve(options.out);
  const exists = await stat(out).then(() => true, () => false);
  if (exists && !options.overwrite) throw new Error(`output folder already exists: ${out}`);

  const staging = `${out}.partial-${process.pid}-${Date.now()}`;
  await mkdir(path.join(staging, 'onnx'), { recursive: true });
  try {
    const tok = buildTokenizer({ baseVocabSize: preset.baseVocabSize });
    const weights = new Weights(seed, preset, tok);
    const facts = modelFacts(options.preset, seed, dtypes, tok);
    const files: { name: string; bytes: number }[] = [];
    const json = async (name: string, text: string): Promise<void> => {
      await writeFile(path.join(staging, name), text);
      files.push({ name, bytes: Buffer.byteLength(text) });
    };
    await json('config.json', configJson(preset, tok, { claimedLayers: options.claimedLayers }));
    await json('generation_config.json', generationConfigJson(tok));
    await json('preprocessor_config.json', preprocessorConfigJson(preset));
    await json('processor_config.json', processorConfigJson(preset));
    await json('tokenizer.json', tokenizerJson(tok));
    await json('tokenizer_config.json', tokenizerConfigJson(tok));

    const builders: Record<(typeof SESSION_FILES)[number], (f: WeightFormat) => GraphBuilder> = {
      vision_encoder: (f) => buildVisionEncoder(weights, f),
      embed_tokens: (f) => buildEmbedTokens(weights, f),
      decoder_model_merged: (f) => buildDecoder(weights, f),
    };
    for (const dtype of dtypes) {
      for (const session of SESSION_FILES) {
        const name = `onnx/${session}${DTYPE_SUFFIX[dtype]}.onnx`;
        const t0 = performance.now();
        const bytes = await writeModel(path.join(staging, name), builders[session](dtype).toModel('smolalbum-forge'));
        files.push({ name, bytes });
        log(`${name}: ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
    }
    await json('forge.json', JSON.stringify({ ...facts, claimedLayers: options.claimedLayers ?? null }, null, 2));
    if (exists) await rm(out, { recursive: true, force: true });
    await rename(staging, out);
    const totalBytes = files.reduce((n, f) => n + f.bytes, 0);
    return { dir: out, files, totalBytes, ms: performance.now() - started, facts };
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}
