// SmolAlbum as an OpenAI-compatible server (what `serve --api` starts), driven by the official
// `openai` client (6.x) over 127.0.0.1 against the forged tiny model in a real inference process.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { nodeEngineFactory } from '../../main/engine/factory';
import { startServer, type WebServer } from '../../main/server/server';
import { apiKeyOf } from '../../main/server/openai-api';
import { setSetting } from '../../main/models/settings';
import { addEndpoint } from '../../main/engine/endpoints';
import type { ChatMessage } from '../../shared/contract/chat';
import { pictureOf } from '../support/photos';
import { TINY, tinyModelDir } from '../support/models';

let dir: string;
let ctx: AppContext;
let server: WebServer;
let client: OpenAI;
let modelId: string;
let red: string;
let green: string;
let redFile: string;

const dataUrl = async (seed: number, file?: string) => {
  const png = await pictureOf(96, 64, seed).png().toBuffer();
  if (file) await sharp(png).toFile(file);
  return `data:image/png;base64,${png.toString('base64')}`;
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'smolalbum-api-'));
  const model = await tinyModelDir();
  ctx = createContext({ dataDir: path.join(dir, 'data'), engineFactory: nodeEngineFactory });
  setSetting(ctx.db, 'engine.model', model);
  modelId = path.basename(model);
  server = await startServer({ ctx, service: createService(ctx), port: 0, api: { key: apiKeyOf(ctx) } });
  client = new OpenAI({ baseURL: `${server.url}v1`, apiKey: apiKeyOf(ctx), maxRetries: 0 });
  redFile = path.join(dir, 'red.png');
  red = await dataUrl(1, redFile);
  green = await dataUrl(2);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await ctx?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serve --api with the openai client', () => {
  it('lists the served model', async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual([modelId]);
  });

  it('answers a chat with one image exactly as the local engine does', async () => {
    const r = await client.chat.completions.create({
      model: modelId, max_tokens: 12, temperature: 0,
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: red } }, { type: 'text', text: 'What is in this picture?' }] }],
    });
    const text = r.choices[0].message.content;
    expect(r.object).toBe('chat.completion');
    expect(r.model).toBe(modelId);
    expect(r.usage!.completion_tokens).toBeGreaterThan(0);
    expect(r.usage!.prompt_tokens).toBeGreaterThan(TINY.imageSeqLen); // the image's tokens reached the model
    const local = await ctx.engine().chat({ messages: [{ role: 'user', text: 'What is in this picture?', images: [redFile] }], maxNewTokens: 12, temperature: 0 });
    expect(text).toBe(local.text);
    expect(r.usage!.prompt_tokens).toBe(local.promptTokens);
  }, 120_000);

  it('takes two images in one message', async () => {
    const one = await client.chat.completions.create({
      model: modelId, max_tokens: 4,
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: red } }, { type: 'text', text: 'Compare.' }] }],
    });
    const two = await client.chat.completions.create({
      model: modelId, max_tokens: 4,
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: red } }, { type: 'image_url', image_url: { url: green } }, { type: 'text', text: 'Compare.' }] }],
    });
    // Each image adds its own block of image tokens.
    expect(two.usage!.prompt_tokens - one.usage!.prompt_tokens).toBeGreaterThanOrEqual(TINY.imageSeqLen);
  }, 120_000);

  it('streams chunks, usage and [DONE], with the same text as without streaming', async () => {
    const messages = [{ role: 'user' as const, content: [{ type: 'image_url' as const, image_url: { url: green, detail: 'low' as const } }, { type: 'text' as const, text: 'Describe it.' }] }];
    const plain = await client.chat.completions.create({ model: modelId, max_tokens: 10, messages });
    const stream = await client.chat.completions.create({ model: modelId, max_tokens: 10, messages, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null = null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text).toBe(plain.choices[0].message.content);
    expect(finish).toBe(plain.choices[0].finish_reason);
    expect(usage).toEqual(plain.usage);
  }, 120_000);

  it('continues a conversation from its prompt cache only when the history is exactly an earlier request and its answer', async () => {
    const ask = { role: 'user' as const, content: [{ type: 'image_url' as const, image_url: { url: red, detail: 'low' as const } }, { type: 'text' as const, text: 'Caption it.' }] };
    const first = await client.chat.completions.create({ model: modelId, max_tokens: 6, messages: [ask] });
    expect(first.usage!.prompt_tokens_details!.cached_tokens).toBe(0);
    const answer = first.choices[0].message.content!;
    const follow = (assistant: string, image = red) => client.chat.completions.create({
      model: modelId, max_tokens: 4,
      messages: [{ ...ask, content: [{ type: 'image_url', image_url: { url: image, detail: 'low' } }, ask.content[1]] }, { role: 'assistant', content: assistant }, { role: 'user', content: 'Now tags.' }],
    });
    // Another image with the same tokens, or another answer: nothing is reused.
    expect((await follow(answer, green)).usage!.prompt_tokens_details!.cached_tokens).toBe(0);
    const again = await client.chat.completions.create({ model: modelId, max_tokens: 6, messages: [ask] });
    expect((await follow(`${answer} (edited)`)).usage!.prompt_tokens_details!.cached_tokens).toBe(0);
    // The real continuation (of the second, identical request) reuses the image and the first turn.
    expect(again.choices[0].message.content).toBe(answer);
    const cont = await follow(answer);
    expect(cont.usage!.prompt_tokens_details!.cached_tokens).toBeGreaterThan(TINY.imageSeqLen);
    expect(cont.usage!.prompt_tokens_details!.cached_tokens).toBeLessThan(cont.usage!.prompt_tokens);
  }, 120_000);

  it('surfaces bad requests as BadRequestError, and never fetches remote image URLs', async () => {
    const bad = client.chat.completions.create({ model: modelId, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,bm90IGFuIGltYWdl' } }] }] });
    await expect(bad).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const remote = client.chat.completions.create({ model: modelId, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://127.0.0.1:1/x.png' } }] }] });
    await expect(remote).rejects.toMatchObject({ status: 400, param: 'messages.0.content.0.image_url' });
    await expect(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.chat.completions.create({ model: modelId, max_tokens: -1, messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  }, 60_000);

  it('answers 401 without the key, and 401 to the web token', async () => {
    const anon = new OpenAI({ baseURL: `${server.url}v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(anon.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const web = new OpenAI({ baseURL: `${server.url}v1`, apiKey: server.token, maxRetries: 0 });
    await expect(web.models.list()).rejects.toMatchObject({ status: 401 });
    const res = await fetch(`${server.url}v1/models`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { type: 'authentication_error', code: 'invalid_api_key' } });
  });

  it('refuses more requests than it admits with 429 and Retry-After', async () => {
    const busy = await startServer({ ctx, service: createService(ctx), port: 0, api: { key: 'k', maxInFlight: 1 } });
    try {
      const c = new OpenAI({ baseURL: `${busy.url}v1`, apiKey: 'k', maxRetries: 0 });
      const msg = { model: modelId, max_tokens: 30, messages: [{ role: 'user' as const, content: [{ type: 'image_url' as const, image_url: { url: red } }, { type: 'text' as const, text: 'Go on.' }] }] };
      // The first request is long (the forged model never stops early) so it is surely in flight
      // when the second arrives, however fast the machine; it is aborted once the 429 is seen.
      const abort = new AbortController();
      const first = c.chat.completions.create({ ...msg, max_tokens: 2000 }, { signal: abort.signal }).then(() => null, (e: unknown) => e);
      await new Promise((r) => setTimeout(r, 300));
      const second = await c.chat.completions.create(msg).then(() => null, (e: unknown) => e);
      expect(second).toBeInstanceOf(OpenAI.RateLimitError);
      expect(Number((second as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
      abort.abort();
      await first;
    } finally {
      await busy.close();
    }
  }, 120_000);
});

describe('a conversation and a caption batch answered by an endpoint', () => {
  it('streams the answer over SSE, Stop keeps the partial text, and a batch captions there', async () => {
    // Library A has no local engine at all: whatever answers comes from the endpoint (this server).
    const a = createContext({ dataDir: path.join(dir, 'A') });
    try {
      addEndpoint(a.db, a.secrets, { url: `${server.url}v1`, name: 'B', apiKey: apiKeyOf(ctx) });
      const sa = createService(a);
      const tokens = new Map<number, string[]>();
      const done = new Map<number, (m: ChatMessage) => void>();
      const finished = new Map<number, ChatMessage>();
      a.events.on('chat.token', (p) => { tokens.set(p.messageId, [...(tokens.get(p.messageId) ?? []), p.text]); });
      a.events.on('chat.done', (p) => { finished.set(p.message.id, p.message); done.get(p.message.id)?.(p.message); });
      const answer = (id: number) => finished.has(id) ? Promise.resolve(finished.get(id)!) : new Promise<ChatMessage>((resolve) => done.set(id, resolve));

      const c = await sa['chat.create']({ settings: { engine: 'B', maxNewTokens: 10, imageSplitting: false } });
      const ids = await sa['chat.send']({ conversationId: c.id, text: 'What is in this picture?', attachments: [{ kind: 'path', path: redFile }] });
      const msg = await answer(ids.assistantMessageId);
      expect(msg.status).toBe('done');
      expect(tokens.get(ids.assistantMessageId)!.length).toBeGreaterThan(1);
      expect(tokens.get(ids.assistantMessageId)!.join('')).toBe(msg.text);
      const local = await ctx.engine().chat({ messages: [{ role: 'user', text: 'What is in this picture?', images: [redFile] }], maxNewTokens: 10, imageSplitting: false });
      expect(msg.text).toBe(local.text);

      const long = await sa['chat.create']({ settings: { engine: 'B', maxNewTokens: 2000, imageSplitting: false } });
      const run = await sa['chat.send']({ conversationId: long.id, text: 'Tell me everything.', attachments: [{ kind: 'path', path: redFile }] });
      const stopped = answer(run.assistantMessageId);
      while (!tokens.get(run.assistantMessageId)?.length) await new Promise((r) => setTimeout(r, 10));
      await sa['chat.stop']({ conversationId: long.id });
      const partial = await stopped;
      expect(partial.status).toBe('stopped');
      expect(partial.text.length).toBeGreaterThan(0);
      expect(tokens.get(run.assistantMessageId)!.length).toBeLessThan(2000);

      const batch = await sa['caption.start']({ paths: [redFile], uploadIds: [], style: 'short', prefix: '', suffix: '', engine: 'B' });
      let state = batch;
      while (state.state === 'running') { await new Promise((r) => setTimeout(r, 50)); state = await sa['caption.get']({ batchId: batch.id }); }
      expect(state.items[0]).toMatchObject({ status: 'done' });
      expect(state.items[0].caption!.length).toBeGreaterThan(0);
      await expect(sa['caption.start']({ paths: [redFile], uploadIds: [], style: 'short', prefix: '', suffix: '', engine: 'nope' })).rejects.toMatchObject({ kind: 'not_found' });
    } finally {
      await a.close();
    }
  }, 180_000);
});
