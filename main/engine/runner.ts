// The inference process's operations over one loaded model: caption (with tags from the same image
// prefill), ask/chat generation with per-session KV-cache reuse. One request runs at a time.
import { InterruptableStoppingCriteria } from './transformers';
import { captionMaxTokens, captionPrompt, normaliseTags, shapeCaption, TAGS_PROMPT, videoCaptionPrompt, videoTagsPrompt } from './captions';
import { Generator, type KvState } from './generate';
import { loadModel, type LoadedModel } from './loader';
import { EngineError, type CaptionParams, type CaptionWireResult, type GenerateParams, type GenerateWireResult, type LoadParams, type LoadResult } from './protocol';
import type { EngineChatTurn } from './client';

const DEFAULT_MAX_NEW_TOKENS = 512;
/**
 * KV caches kept for sessions (chat conversations, API prompt caching): a few, and a bounded number
 * of tokens in all — a split image on the 2.2B model is over a thousand tokens, hundreds of MB.
 */
const MAX_SESSIONS = 8;
const MAX_SESSION_TOKENS = 4096;

export interface RequestControl {
  stopper: InterruptableStoppingCriteria;
  onText?: (delta: string) => void;
}

export class EngineRunner {
  private loaded: LoadedModel | null = null;
  private generator: Generator | null = null;
  private readonly sessions = new Map<string, KvState>();

  async load(params: LoadParams): Promise<LoadResult> {
    if (this.loaded) throw new EngineError('A model is already loaded in this process (restart it to switch)', 'internal');
    this.loaded = await loadModel(params);
    this.generator = new Generator(this.loaded);
    return this.loaded.info;
  }

  private get gen(): Generator {
    if (!this.generator) throw new EngineError('No model is loaded', 'internal');
    return this.generator;
  }

  async caption(p: CaptionParams, ctl: RequestControl): Promise<CaptionWireResult> {
    const t0 = performance.now();
    // A clip's keyframes: all of them in one turn, asked about as one video.
    const frames = p.frames?.length ? p.frames : null;
    const prompt = frames ? videoCaptionPrompt(p.style, frames.length, p.prompt) : captionPrompt(p.style, p.prompt);
    const turn: EngineChatTurn = { role: 'user', text: prompt, images: frames ?? [p.path] };
    // Indexing cost: one 512 tile (64 image tokens on the real model), never a 17-tile split.
    const first = await this.gen.run({
      turns: [turn],
      maxNewTokens: p.maxNewTokens ?? captionMaxTokens(p.style),
      minNewTokens: p.minNewTokens,
      imageSplitting: false,
      keepCache: Boolean(p.withTags) && p.style !== 'tags',
      stopper: ctl.stopper,
    });
    if (first.stopped) throw new EngineError('Cancelled', 'cancelled');
    const { caption } = shapeCaption(p.style, first.text);
    let { tags } = shapeCaption(p.style, first.text);
    if (p.style !== 'tags') {
      if (p.withTags) {
        // Second turn on the same conversation: the image's KV cache is reused (no second vision pass).
        const second = await this.gen.run({
          turns: [turn, { role: 'assistant', text: first.text, images: [] }, { role: 'user', text: frames ? videoTagsPrompt() : TAGS_PROMPT, images: [] }],
          maxNewTokens: captionMaxTokens('tags'),
          imageSplitting: false,
          prior: first.state,
          keepCache: false,
          stopper: ctl.stopper,
        });
        if (second.stopped) throw new EngineError('Cancelled', 'cancelled');
        tags = normaliseTags(second.text);
      }
    }
    return { caption, tags, prompt, ms: Math.round(performance.now() - t0), imageTokens: first.imageTokens, promptTokens: first.promptTokens };
  }

  async generate(p: GenerateParams, ctl: RequestControl): Promise<GenerateWireResult> {
    if (!p.messages.length) throw new EngineError('No messages to answer', 'input');
    const key = p.sessionKey;
    const prior = key ? this.sessions.get(key) ?? null : null;
    if (key) this.sessions.delete(key); // consumed: the cache is updated in place by generate()
    const result = await this.gen.run({
      turns: p.messages,
      maxNewTokens: p.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS,
      minNewTokens: p.minNewTokens,
      temperature: p.temperature,
      imageSplitting: p.imageSplitting,
      prior,
      keepCache: Boolean(key),
      stopper: ctl.stopper,
      onText: ctl.onText,
    });
    const { state, ...wire } = result;
    if (key && state) {
      this.sessions.set(key, state);
      const tokens = () => [...this.sessions.values()].reduce((n, st) => n + st.ids.length, 0);
      while (this.sessions.size > 1 && (this.sessions.size > MAX_SESSIONS || tokens() > MAX_SESSION_TOKENS)) this.sessions.delete(this.sessions.keys().next().value!);
    }
    return wire;
  }
}

export { InterruptableStoppingCriteria };
