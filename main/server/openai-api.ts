// SmolAlbum as an OpenAI-compatible server (`serve --api`): GET /v1/models and POST
// /v1/chat/completions (text + image_url data URLs; stream with SSE chunks, stream_options
// .include_usage and [DONE]; max_tokens / max_completion_tokens, temperature; usage), answered by the
// local engine. Its own Bearer key; OpenAI-shaped errors ({error: {message, type, param, code}});
// body and image limits; a bounded number of requests at once — beyond it 429 with Retry-After, and
// 503 with Retry-After while the engine cannot run.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { AppError, kindOf, type ErrorKind } from '../../shared/errors';
import type { AppContext } from '../service/context';
import type { EngineChatTurn } from '../engine/client';
import { engineSettings } from '../models/settings';
import { readBody } from './http-util';
import { tokenMatches } from './auth';
import { ApiPromptCache, type KeyedTurn } from './api-prompt-cache';
import { ApiImageStore, DEFAULT_IMAGE_LIMITS, RequestImages, type ImageLimits } from './openai-images';

export const API_KEY_SECRET = 'api.key';

export interface OpenAiApiOptions {
  /** The Bearer key clients must send. */
  key: string;
  /** Largest request body (default 32 MB). */
  maxBodyBytes?: number;
  images?: Partial<ImageLimits>;
  /** Requests admitted at once (running + waiting for the engine; default 4); beyond: 429. */
  maxInFlight?: number;
  /** Longest answer when the client sets no limit. */
  defaultMaxTokens?: number;
}

/** The API key of this library (created on first use, kept in the secret store). */
export function apiKeyOf(ctx: AppContext): string {
  let key = ctx.secrets.get(API_KEY_SECRET);
  if (!key) {
    key = `sk-smolalbum-${randomBytes(24).toString('base64url')}`;
    ctx.secrets.set(API_KEY_SECRET, key);
  }
  return key;
}

const STATUS: Record<ErrorKind, number> = {
  input: 400, unsupported: 400, too_large: 413, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409,
  busy: 429, unavailable: 503, cancelled: 499, internal: 500,
};
const TYPE: Partial<Record<ErrorKind, string>> = {
  unauthorized: 'authentication_error', busy: 'rate_limit_error', unavailable: 'server_error', internal: 'server_error', forbidden: 'permission_error',
};

export function sendOpenAiError(res: ServerResponse, err: unknown): void {
  const kind = kindOf(err);
  const status = STATUS[kind];
  const details = err instanceof AppError ? err.details : undefined;
  const body = {
    error: {
      message: err instanceof Error ? err.message : String(err),
      type: TYPE[kind] ?? 'invalid_request_error',
      param: typeof details?.param === 'string' ? details.param : null,
      code: typeof details?.code === 'string' ? details.code : kind,
    },
  };
  const retry = err instanceof AppError ? err.retryAfterS : undefined;
  if (retry !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retry))));
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

const textPart = z.object({ type: z.literal('text'), text: z.string() }).passthrough();
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.union([z.string(), z.object({ url: z.string(), detail: z.enum(['auto', 'low', 'high']).optional() }).passthrough()]),
}).passthrough();
const message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content: z.union([z.string(), z.array(z.union([textPart, imagePart])), z.null()]).optional(),
}).passthrough();
const chatBody = z.object({
  model: z.string().min(1),
  messages: z.array(message).min(1).max(200),
  max_tokens: z.number().int().min(1).max(32768).nullable().optional(),
  max_completion_tokens: z.number().int().min(1).max(32768).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).passthrough().nullable().optional(),
  n: z.number().int().min(1).max(1).nullable().optional(),
}).passthrough();

function badRequest(issue: z.core.$ZodIssue): AppError {
  const param = issue.path.map(String).join('.');
  return new AppError('input', `Invalid request: ${param ? `${param}: ` : ''}${issue.message}`, { details: { param } });
}

/** The served model's id: the engine's configured model (a folder is named by its last part). */
export function servedModelId(ctx: AppContext): string {
  const m = engineSettings(ctx.db).model;
  return path.isAbsolute(m) ? path.basename(m) : m;
}

export function createOpenAiApi(ctx: AppContext, opts: OpenAiApiOptions) {
  const limits: ImageLimits = { ...DEFAULT_IMAGE_LIMITS, ...opts.images };
  const maxInFlight = opts.maxInFlight ?? 4;
  let inFlight = 0;
  const promptCache = new ApiPromptCache();
  const imageStore = new ApiImageStore(path.join(ctx.paths.root, 'cache', 'api-images'));
  const recentMs: number[] = [];

  function authorised(req: IncomingMessage): boolean {
    const h = req.headers.authorization;
    return Boolean(h?.startsWith('Bearer ') && tokenMatches(h.slice(7).trim(), opts.key));
  }

  function models(res: ServerResponse): void {
    const id = servedModelId(ctx);
    const text = JSON.stringify({ object: 'list', data: [{ id, object: 'model', created: 0, owned_by: 'smolalbum' }] });
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(text);
  }

  async function chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req, opts.maxBodyBytes ?? 32 * 1024 * 1024);
    let json: unknown;
    try { json = JSON.parse(raw.toString('utf8')); } catch { throw new AppError('input', 'The request body is not valid JSON'); }
    const parsed = chatBody.safeParse(json);
    if (!parsed.success) throw badRequest(parsed.error.issues[0]);
    const body = parsed.data;
    const id = servedModelId(ctx);
    if (body.model !== id && body.model !== engineSettings(ctx.db).model) {
      throw new AppError('not_found', `The model \`${body.model}\` does not exist here (this server has ${id})`, { details: { param: 'model', code: 'model_not_found' } });
    }
    if (inFlight >= maxInFlight) {
      const avg = recentMs.length ? recentMs.reduce((a, b) => a + b, 0) / recentMs.length : 2000;
      throw new AppError('busy', `The server is busy (${inFlight} requests running); retry later`, { retryAfterS: Math.ceil((avg * inFlight) / 1000) });
    }
    const engineState = ctx.engine().status();
    if (engineState.state === 'crashed') throw new AppError('unavailable', `The model is restarting: ${engineState.lastError ?? 'crashed'}`, { retryAfterS: 5 });

    inFlight++;
    const images = new RequestImages(imageStore, limits);
    const abort = new AbortController();
    const onClose = () => { if (!res.writableEnded) abort.abort(); };
    res.on('close', onClose);
    const t0 = Date.now();
    try {
      const turns: EngineChatTurn[] = [];
      const keyed: KeyedTurn[] = [];
      let anySplit = false;
      let anyImage = false;
      for (const [i, m] of body.messages.entries()) {
        const role = m.role === 'developer' ? 'system' : m.role;
        const turn: EngineChatTurn = { role, text: '', images: [] };
        const digests: string[] = [];
        const parts = typeof m.content === 'string' ? [{ type: 'text' as const, text: m.content }] : m.content ?? [];
        const texts: string[] = [];
        for (const [j, p] of parts.entries()) {
          if (p.type === 'text') { texts.push(p.text); continue; }
          if (role !== 'user') throw new AppError('input', 'Only user messages may hold images', { details: { param: `messages.${i}.content.${j}` } });
          const iu = typeof p.image_url === 'string' ? { url: p.image_url } : p.image_url;
          anyImage = true;
          if ((iu as { detail?: string }).detail !== 'low') anySplit = true;
          const img = await images.add(iu.url, `messages.${i}.content.${j}.image_url`);
          turn.images.push(img.file);
          digests.push(img.digest);
        }
        turn.text = texts.join('\n');
        turns.push(turn);
        keyed.push({ role, text: turn.text, images: digests });
      }
      if (turns[turns.length - 1].role !== 'user') throw new AppError('input', 'The last message must be from the user', { details: { param: 'messages' } });
      const maxNewTokens = body.max_completion_tokens ?? body.max_tokens ?? opts.defaultMaxTokens ?? 512;
      const created = Math.floor(Date.now() / 1000);
      const completionId = `chatcmpl-${randomBytes(12).toString('hex')}`;
      // detail "low" on every image: one tile each, as SmolAlbum's own captions do.
      const imageSplitting = anyImage && !anySplit ? false : undefined;
      const chunk = (delta: Record<string, unknown>, finish: string | null) =>
        ({ id: completionId, object: 'chat.completion.chunk', created, model: id, choices: [{ index: 0, delta, finish_reason: finish }] });
      const stream = body.stream === true;
      if (stream) {
        res.statusCode = 200;
        res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('X-Accel-Buffering', 'no');
        res.flushHeaders();
        res.write(`data: ${JSON.stringify(chunk({ role: 'assistant', content: '' }, null))}\n\n`);
      }
      const sessionKey = promptCache.sessionFor(keyed, imageSplitting);
      const r = await ctx.engine().chat({
        messages: turns, maxNewTokens, temperature: body.temperature ?? 0, imageSplitting, sessionKey, signal: abort.signal,
        onToken: stream ? (t) => res.write(`data: ${JSON.stringify(chunk({ content: t }, null))}\n\n`) : undefined,
      });
      promptCache.remember(keyed, r.text, imageSplitting, sessionKey);
      const finish = r.tokens.length >= maxNewTokens ? 'length' : 'stop';
      // OpenAI's way to report prompt caching: the prompt tokens whose KV cache was reused.
      const usage = {
        prompt_tokens: r.promptTokens, completion_tokens: r.tokens.length, total_tokens: r.promptTokens + r.tokens.length,
        prompt_tokens_details: { cached_tokens: r.cachedTokens ?? 0 },
      };
      recentMs.push(Date.now() - t0);
      if (recentMs.length > 20) recentMs.shift();
      if (stream) {
        res.write(`data: ${JSON.stringify(chunk({}, finish))}\n\n`);
        if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ id: completionId, object: 'chat.completion.chunk', created, model: id, choices: [], usage })}\n\n`);
        res.end('data: [DONE]\n\n');
      } else {
        const text = JSON.stringify({
          id: completionId, object: 'chat.completion', created, model: id,
          choices: [{ index: 0, message: { role: 'assistant', content: r.text, refusal: null }, finish_reason: finish, logprobs: null }],
          usage,
        });
        res.statusCode = 200;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.setHeader('Content-Length', Buffer.byteLength(text));
        res.end(text);
      }
    } catch (err) {
      if (res.headersSent) {
        // Mid-stream: an error event in OpenAI's shape, then the end of the stream.
        const e = err instanceof Error ? err.message : String(err);
        res.end(`data: ${JSON.stringify({ error: { message: e, type: 'server_error', param: null, code: kindOf(err) } })}\n\n`);
        return;
      }
      throw err;
    } finally {
      inFlight--;
      res.off('close', onClose);
      images.dispose();
    }
  }

  /** Handles /v1/*; returns false for other paths. */
  return async function handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    if (!pathname.startsWith('/v1/') && pathname !== '/v1') return false;
    res.setHeader('Cache-Control', 'no-store');
    try {
      if (!authorised(req)) throw new AppError('unauthorized', 'Missing or wrong API key (send Authorization: Bearer <key>)', { details: { code: 'invalid_api_key' } });
      if (pathname === '/v1/models' && req.method === 'GET') models(res);
      else if (pathname === '/v1/chat/completions' && req.method === 'POST') await chat(req, res);
      else throw new AppError('not_found', `No route ${req.method} ${pathname}`, { details: { code: 'unknown_url' } });
    } catch (err) {
      if (!res.headersSent) sendOpenAiError(res, err);
      else res.end();
    }
    return true;
  };
}
