// The `openai` backend: one OpenAI-compatible chat-completions endpoint (vLLM, llama-server,
// LM Studio, Ollama, another SmolAlbum), spoken to through the official `openai` package with its
// own retries off — the dispatcher decides what happens after a failure. Captions use the same
// prompts, greedy settings and cleaning as the local engine (main/engine/captions.ts), with the
// image sent at tile size. Every failure becomes an AppError whose message never holds the key.
import OpenAI from 'openai';
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { AppError } from '../../shared/errors';
import { captionMaxTokens, captionPrompt, shapeCaption, TAGS_PROMPT, normaliseTags, videoCaptionPrompt, videoTagsPrompt } from './captions';
import type { CaptionRequest, CaptionResult, ChatRequest, EngineChatTurn, GenerateResult } from './client';
import type { EndpointConfig } from './endpoints';
import { wireDataUrl, type WireImages, type WireSpec } from './wire-images';

export interface RemoteCaptionResult extends CaptionResult {
  /** The model id the server reported. */
  model: string;
}

/** Seconds from a Retry-After header (delta seconds or an HTTP date), if any. */
export function retryAfterSeconds(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const s = Number(value);
  if (Number.isFinite(s) && s >= 0) return s;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, (at - now) / 1000) : undefined;
}

export class OpenAiBackend {
  readonly kind = 'openai' as const;
  private readonly client: OpenAI;
  private resolvedModel: string | null;

  /** `images`: where images made ahead are taken from (the AI queue's; shared by a dispatcher's endpoints). */
  constructor(readonly config: EndpointConfig, private readonly apiKey: string | null, private readonly tileSize: number,
    private readonly images: WireImages | null = null) {
    this.client = new OpenAI({
      baseURL: config.baseUrl,
      // The client insists on a key; servers without auth ignore the header.
      apiKey: apiKey ?? 'no-key',
      maxRetries: 0,
      timeout: config.timeoutMs,
    });
    this.resolvedModel = config.model;
  }

  get name(): string { return this.config.name; }
  get concurrency(): number { return this.config.concurrency; }
  private get spec(): WireSpec { return { size: this.tileSize, format: this.config.imageFormat, jpegQuality: this.config.jpegQuality }; }

  /** Has the image made ahead, as this endpoint wants it. */
  prepare(file: string): void { this.images?.prepare(file, this.spec); }

  /** Replaces the key wherever a server echoed it back. */
  private redact(text: string): string {
    return this.apiKey ? text.split(this.apiKey).join('***') : text;
  }

  /** Any failure as an AppError: busy (429), unavailable (5xx, network, timeout, bad answers), input, unauthorized, cancelled. */
  toAppError(err: unknown): AppError {
    if (err instanceof AppError) return err;
    const where = `endpoint ${this.name}`;
    if (err instanceof OpenAI.APIUserAbortError || (err as Error)?.name === 'AbortError') return new AppError('cancelled', 'Cancelled');
    if (err instanceof OpenAI.APIConnectionTimeoutError) return new AppError('unavailable', `${where} did not answer within ${Math.round(this.config.timeoutMs / 1000)} s`);
    if (err instanceof OpenAI.APIConnectionError) return new AppError('unavailable', `${where} is unreachable: ${this.redact((err.cause as Error | undefined)?.message ?? err.message)}`);
    if (err instanceof OpenAI.APIError) {
      const status = err.status ?? 0;
      const retry = retryAfterSeconds(err.headers?.get('retry-after'));
      const msg = `${where} answered ${status}: ${this.redact(err.message)}`;
      const opts = retry === undefined ? {} : { retryAfterS: retry };
      if (status === 429) return new AppError('busy', msg, opts);
      if (status === 401 || status === 403) return new AppError('unauthorized', msg);
      if (status === 400 || status === 422) return new AppError('input', msg);
      return new AppError('unavailable', msg, opts);
    }
    // JSON that does not parse, a stream cut short, a body of the wrong shape.
    return new AppError('unavailable', `${where} sent an unreadable answer: ${this.redact((err as Error)?.message ?? String(err))}`);
  }

  /** GET /v1/models: the health check; also fills in the model when none is configured. */
  async models(signal?: AbortSignal): Promise<string[]> {
    try {
      const page = await this.client.models.list({ signal });
      const ids = page.data.map((m) => m.id).filter((id): id is string => typeof id === 'string');
      if (!ids.length) throw new AppError('unavailable', `endpoint ${this.name} lists no models`);
      if (!this.config.model) this.resolvedModel ??= ids[0];
      else if (!ids.includes(this.config.model)) throw new AppError('unavailable', `endpoint ${this.name} does not serve model ${this.config.model} (it has ${ids.slice(0, 5).join(', ')})`);
      return ids;
    } catch (err) {
      throw this.toAppError(err);
    }
  }

  private async model(signal?: AbortSignal): Promise<string> {
    if (!this.resolvedModel) await this.models(signal);
    return this.resolvedModel!;
  }

  private async complete(messages: ChatCompletionMessageParam[], maxTokens: number, signal?: AbortSignal): Promise<{ text: string; model: string; promptTokens: number }> {
    const model = await this.model(signal);
    try {
      const r = await this.client.chat.completions.create({ model, messages, max_tokens: maxTokens, temperature: 0 }, { signal });
      const text = r.choices?.[0]?.message?.content;
      if (typeof text !== 'string') throw new AppError('unavailable', `endpoint ${this.name} sent no message content`);
      return { text, model: typeof r.model === 'string' && r.model ? r.model : model, promptTokens: r.usage?.prompt_tokens ?? 0 };
    } catch (err) {
      throw this.toAppError(err);
    }
  }

  async caption(req: CaptionRequest): Promise<RemoteCaptionResult> {
    const t0 = performance.now();
    // A clip's keyframes go in one user turn, in order, with the video prompt — as the local engine does.
    const frames = req.frames?.length ? req.frames : null;
    const prompt = frames ? videoCaptionPrompt(req.style, frames.length, req.prompt) : captionPrompt(req.style, req.prompt);
    const images: ChatCompletionContentPart[] = [];
    for (const file of frames ?? [req.path]) {
      let url: string;
      try {
        url = await (this.images ? this.images.take(file, this.spec) : wireDataUrl(file, this.spec));
      } catch (err) {
        throw new AppError('unsupported', `Cannot read image ${file}: ${(err as Error).message}`);
      }
      // detail "low": one tile, no splitting — what the local engine does for captions.
      images.push({ type: 'image_url', image_url: { url, detail: 'low' } });
    }
    const ask: ChatCompletionMessageParam = { role: 'user', content: [...images, { type: 'text', text: prompt }] };
    const first = await this.complete([ask], req.maxNewTokens ?? captionMaxTokens(req.style), req.signal);
    const shaped = shapeCaption(req.style, first.text);
    let tags = shaped.tags;
    if (req.withTags && req.style !== 'tags') {
      const second = await this.complete([
        ask,
        { role: 'assistant', content: first.text },
        { role: 'user', content: frames ? videoTagsPrompt() : TAGS_PROMPT },
      ], captionMaxTokens('tags'), req.signal);
      tags = normaliseTags(second.text);
    }
    return { caption: shaped.caption, tags, prompt, model: first.model, ms: Math.round(performance.now() - t0), promptTokens: first.promptTokens };
  }

  /** A chat turn list as OpenAI messages; images become tile-size data URLs (detail low when unsplit). */
  private async messagesOf(turns: EngineChatTurn[], splitting: boolean | undefined): Promise<ChatCompletionMessageParam[]> {
    const out: ChatCompletionMessageParam[] = [];
    for (const t of turns) {
      if (t.role === 'user') {
        const parts: ChatCompletionContentPart[] = [];
        for (const p of t.images) parts.push({ type: 'image_url', image_url: { url: await wireDataUrl(p, this.spec), detail: splitting === false ? 'low' : 'auto' } });
        parts.push({ type: 'text', text: t.text });
        out.push({ role: 'user', content: parts });
      } else out.push({ role: t.role, content: t.text });
    }
    return out;
  }

  /** Streaming chat over SSE; Stop (the signal) ends the stream and keeps the partial answer. */
  async chat(req: ChatRequest): Promise<GenerateResult & { model: string }> {
    const t0 = performance.now();
    const model = await this.model(req.signal);
    let text = '';
    let firstTokenMs: number | null = null;
    let reported = model;
    let promptTokens = 0;
    let stopped = false;
    try {
      const stream = await this.client.chat.completions.create({
        model, messages: await this.messagesOf(req.messages, req.imageSplitting),
        max_tokens: req.maxNewTokens ?? 512, temperature: req.temperature ?? 0, stream: true, stream_options: { include_usage: true },
      }, { signal: req.signal });
      for await (const chunk of stream) {
        if (chunk.model) reported = chunk.model;
        if (chunk.usage) promptTokens = chunk.usage.prompt_tokens;
        const delta = chunk.choices?.[0]?.delta?.content;
        if (delta) {
          firstTokenMs ??= Math.round(performance.now() - t0);
          text += delta;
          req.onToken?.(delta);
        }
      }
    } catch (err) {
      const e = this.toAppError(err);
      if (e.kind !== 'cancelled') throw e;
      stopped = true;
    }
    return { text, tokens: [], imageTokens: 0, promptTokens, stopped, droppedTurns: 0, ms: Math.round(performance.now() - t0), firstTokenMs, model: reported };
  }
}
