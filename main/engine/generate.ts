// One generation over a conversation with images: builds the prompt ids, reuses a KV cache whose
// token prefix matches (verified token by token, cut back to an image boundary), runs the vision
// encoder only for images whose tokens are new, and streams text deltas.
import { cacheTensors, cat, DynamicCache, full, Tensor, tokenIds, type Encoded, type InterruptableStoppingCriteria } from './transformers';
import type { EngineChatTurn, FedStats, GenerateResult } from './client';
import type { LoadedModel } from './loader';
import { dropOldestExchange, expandImages, framesOf, toTemplateMessages, type ImageLayout } from './prompt';
import { imageKey, readTile, type TileNorm } from './images';
import { readImage } from './read-image';
import { EngineError } from './protocol';
import { FedCounter } from './fed-counter';
import { TextDeltaStreamer } from './streamer';

/** Tokens whose keys/values sit in `cache` (prompt + generated, minus the last sampled token). */
export interface KvState {
  ids: number[];
  cache: DynamicCache;
}

export interface RunOptions {
  turns: EngineChatTurn[];
  maxNewTokens: number;
  minNewTokens?: number;
  temperature?: number;
  /** Undefined: the model's preprocessor default. */
  imageSplitting?: boolean;
  /** A cache from an earlier run; reused up to the longest prefix its ids share with this prompt. */
  prior?: KvState | null;
  /** Return the cache for a next turn (otherwise it is released). */
  keepCache: boolean;
  stopper: InterruptableStoppingCriteria;
  onText?: (delta: string) => void;
}

export interface RunResult extends GenerateResult {
  state: KvState | null;
}

interface PreparedImage {
  layout: ImageLayout;
  pixelValues: Tensor;
}

const LAYOUT_CACHE_MAX = 1000;

/** Longest common prefix of two id lists. */
export function commonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/** [first, last] position of each image's <image> tokens, in prompt order. */
export function imageSpans(ids: readonly number[], imageTokenId: number, tokensPerImage: readonly number[]): [number, number][] {
  const positions: number[] = [];
  for (let i = 0; i < ids.length; i++) if (ids[i] === imageTokenId) positions.push(i);
  const spans: [number, number][] = [];
  let k = 0;
  for (const count of tokensPerImage) {
    if (count === 0 || k + count > positions.length) throw new EngineError('Image tokens in the prompt do not match the images', 'internal');
    spans.push([positions[k], positions[k + count - 1]]);
    k += count;
  }
  if (k !== positions.length) throw new EngineError(`Prompt holds ${positions.length} image tokens, images need ${k}`, 'internal');
  return spans;
}

/** How many leading prompt tokens can come from the cache: a matching prefix that never cuts an image. */
export function reusableLength(priorIds: readonly number[] | undefined, ids: readonly number[], spans: readonly [number, number][]): number {
  if (!priorIds?.length) return 0;
  // At least one prompt token must be fed to get logits for the first new token.
  let p = Math.min(commonPrefix(priorIds, ids), ids.length - 1);
  for (const [s, e] of spans) if (s < p && p <= e) p = s;
  return Math.max(p, 0);
}

function truncateCache(cache: DynamicCache, length: number): DynamicCache {
  const entries: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(cacheTensors(cache))) {
    entries[name] = t.slice(null, null, [0, length], null);
  }
  return new DynamicCache(entries);
}

export class Generator {
  /** Tile layout per image file + splitting mode: lets a later turn build its prompt without re-reading the image. */
  private readonly layouts = new Map<string, ImageLayout>();
  private readonly fed: FedCounter;

  constructor(private readonly loaded: LoadedModel) {
    this.fed = new FedCounter(loaded.model.sessions);
  }

  private get imageTokenId(): number {
    return this.loaded.config.image_token_id;
  }

  private get seqLen(): number {
    const seq = this.loaded.processor.imageSeqLen;
    if (!seq) throw new EngineError('processor_config.json has no image_seq_len', 'model');
    return seq;
  }

  private tileNorm(): TileNorm {
    const ip = this.loaded.processor.imageConfig;
    return {
      size: ip.max_image_size.longest_edge,
      rescale: ip.do_rescale === false ? 1 : ip.rescale_factor ?? 1 / 255,
      mean: ip.image_mean ?? [0.5, 0.5, 0.5],
      std: ip.image_std ?? [0.5, 0.5, 0.5],
      normalize: ip.do_normalize !== false,
    };
  }

  private async prepareImage(path: string, splitting: boolean | undefined): Promise<PreparedImage> {
    if (splitting === false) {
      // One tile: read at tile size directly (see readTile).
      const norm = this.tileNorm();
      const data = await readTile(path, norm);
      return { layout: { rows: 0, cols: 0 }, pixelValues: new Tensor('float32', data, [1, 1, 3, norm.size, norm.size]) };
    }
    const image = await readImage(path);
    const out = await this.loaded.processor.processImage(image, { ...(splitting === undefined ? {} : { do_image_splitting: splitting }), return_row_col_info: true });
    return { layout: { rows: out.rows[0][0], cols: out.cols[0][0] }, pixelValues: out.pixel_values };
  }

  private async layoutKey(path: string, splitting: boolean | undefined): Promise<string> {
    const k = await imageKey(path);
    return JSON.stringify([k.path, k.size, k.mtimeMs, splitting ?? 'default']);
  }

  async run(o: RunOptions): Promise<RunResult> {
    const t0 = performance.now();
    const { processor, model, contextLimit } = this.loaded;
    const tokenizer = processor.tokenizer;
    const seqLen = this.seqLen;
    if (o.turns.length === 0 || o.turns[o.turns.length - 1].role !== 'user') {
      throw new EngineError('The conversation must end with a user message', 'input');
    }

    // 1. Layout of every image (cached across turns); pixels of freshly read images kept for step 4.
    const fresh = new Map<string, PreparedImage>();
    const keyOf = new Map<string, string>();
    for (const path of new Set(o.turns.flatMap((t) => t.images))) {
      const key = await this.layoutKey(path, o.imageSplitting);
      keyOf.set(path, key);
      if (this.layouts.has(key)) continue;
      const prepared = await this.prepareImage(path, o.imageSplitting);
      fresh.set(key, prepared);
      this.remember(key, prepared.layout);
    }
    const layoutOf = (path: string) => this.layouts.get(keyOf.get(path)!) ?? fresh.get(keyOf.get(path)!)!.layout;

    // 2. Prompt ids; drop the oldest exchanges while prompt + answer exceed the context.
    let turns = o.turns;
    let droppedTurns = 0;
    let maxNewTokens = o.maxNewTokens;
    let enc: Encoded;
    for (;;) {
      const text = processor.chatPrompt(toTemplateMessages(turns));
      const images = turns.flatMap((t) => t.images);
      enc = tokenizer(expandImages(text, images.map(layoutOf), seqLen));
      const n = enc.input_ids.dims[1];
      if (n + maxNewTokens <= contextLimit) break;
      const fewer = dropOldestExchange(turns);
      if (fewer) {
        droppedTurns += turns.length - fewer.length;
        turns = fewer;
        continue;
      }
      if (n < contextLimit) {
        maxNewTokens = contextLimit - n;
        break;
      }
      throw new EngineError(`The message is too long for the model's context (${n} prompt tokens, limit ${contextLimit})`, 'input');
    }
    const ids = tokenIds(enc.input_ids);
    const images = turns.flatMap((t) => t.images);
    const spans = imageSpans(ids, this.imageTokenId, images.map((p) => framesOf(layoutOf(p)) * seqLen));

    // 3. KV reuse: only a verified token prefix, never cutting through an image.
    const reuse = reusableLength(o.prior?.ids, ids, spans);
    let past: DynamicCache | undefined;
    if (reuse > 0 && o.prior) past = reuse === o.prior.ids.length ? o.prior.cache : truncateCache(o.prior.cache, reuse);

    // 4. Pixels only for images whose tokens are not cached.
    const needed = images.filter((_, i) => spans[i][0] >= reuse);
    const pixels: Tensor[] = [];
    for (const path of needed) {
      const key = keyOf.get(path)!;
      let prepared = fresh.get(key);
      if (!prepared) {
        prepared = await this.prepareImage(path, o.imageSplitting);
        fresh.set(key, prepared);
      }
      pixels.push(prepared.pixelValues);
    }
    const vision: Record<string, Tensor> = {};
    if (pixels.length) {
      const pixel_values = pixels.length === 1 ? pixels[0] : cat(pixels, 1);
      const [b, f, , h, w] = pixel_values.dims;
      vision.pixel_values = pixel_values;
      vision.pixel_attention_mask = full([b, f, h, w], true);
    }

    // 5. Generate.
    const streamer = new TextDeltaStreamer(tokenizer, o.onText);
    let fed: FedStats;
    const sample = (o.temperature ?? 0) > 0;
    let out: Awaited<ReturnType<typeof model.generate>>;
    this.fed.begin();
    try {
      out = await model.generate({
        input_ids: enc.input_ids,
        attention_mask: enc.attention_mask,
        ...vision,
        ...(past ? { past_key_values: past } : {}),
        max_new_tokens: maxNewTokens,
        ...(o.minNewTokens ? { min_new_tokens: Math.min(o.minNewTokens, maxNewTokens) } : {}),
        do_sample: sample,
        ...(sample ? { temperature: o.temperature } : {}),
        streamer,
        stopping_criteria: o.stopper,
      });
    } catch (err) {
      throw new EngineError(`Generation failed: ${(err as Error).message.split('\n')[0]}`, 'internal');
    } finally {
      fed = this.fed.end();
    }
    const sequence = tokenIds(out.sequences);
    const tokens = sequence.slice(ids.length);
    const text = streamer.finish(tokens);
    let state: KvState | null = null;
    if (o.keepCache && out.past_key_values.get_seq_length() === sequence.length - 1) {
      state = { ids: sequence.slice(0, -1), cache: out.past_key_values };
    }
    return {
      text,
      tokens,
      imageTokens: ids.filter((t) => t === this.imageTokenId).length,
      promptTokens: ids.length,
      cachedTokens: reuse,
      fed,
      stopped: o.stopper.interrupted,
      droppedTurns,
      ms: Math.round(performance.now() - t0),
      firstTokenMs: streamer.firstTokenAt === null ? null : Math.round(streamer.firstTokenAt - t0),
      state,
    };
  }

  private remember(key: string, layout: ImageLayout): void {
    if (this.layouts.size >= LAYOUT_CACHE_MAX) this.layouts.delete(this.layouts.keys().next().value!);
    this.layouts.set(key, layout);
  }
}
