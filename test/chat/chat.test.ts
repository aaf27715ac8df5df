// Chat through the real service and the real inference process on the forged tiny model:
// streaming, stop, regenerate/edit branches, every image in every turn, persistence across a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { invoke } from '../../main/service/invoke';
import { nodeEngineFactory } from '../../main/engine/factory';
import { saveUpload } from '../../main/uploads/store';
import { ChatRepo } from '../../main/chat/repo';
import { collectUnusedAttachments } from '../../main/chat/attachment-gc';
import type { Service } from '../../shared/api';
import type { ChatMessage } from '../../shared/contract/chat';
import { tinyModelDir, TINY } from '../support/models';
import { tempDir, writeCorruptJpeg, writeImage } from './fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let ctx: AppContext;
let service: Service;
let modelDir: string;
let imgA: string;
let imgB: string;
const done = new Map<number, ChatMessage>();
const tokens = new Map<number, string[]>();
const waiters = new Map<number, (m: ChatMessage) => void>();

function open(): void {
  ctx = createContext({ dataDir: path.join(dir, 'data'), engineFactory: nodeEngineFactory });
  service = createService(ctx);
  ctx.events.on('chat.token', (e) => { tokens.set(e.messageId, [...(tokens.get(e.messageId) ?? []), e.text]); });
  ctx.events.on('chat.done', (e) => { done.set(e.message.id, e.message); waiters.get(e.message.id)?.(e.message); });
}

const answer = (id: number): Promise<ChatMessage> =>
  done.has(id) ? Promise.resolve(done.get(id)!) : new Promise((resolve) => waiters.set(id, resolve));

const firstToken = async (id: number): Promise<void> => {
  while (!tokens.get(id)?.length) await new Promise((r) => setTimeout(r, 5));
};

/** A conversation whose answers are short, deterministic and (without splitting) one frame per image. */
async function conversation(settings: Record<string, unknown> = {}) {
  return service['chat.create']({ settings: { maxNewTokens: 12, imageSplitting: false, ...settings } });
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  modelDir = await tinyModelDir();
  imgA = await writeImage(path.join(dir, 'a.jpg'), { seed: 1 });
  imgB = await writeImage(path.join(dir, 'b.png'), { seed: 2, format: 'png' });
  open();
  await ctx.engine().configure({ model: modelDir, device: 'cpu', dtype: 'fp32' });
});
afterAll(async () => { await ctx?.close(); await cleanup(); });

describe('chat', () => {
  it('streams an answer token by token, stores it, and titles the conversation from the question', async () => {
    const c = await conversation();
    expect(c.title).toBe('New chat');
    const ids = await service['chat.send']({ conversationId: c.id, text: 'What is in this picture?', attachments: [{ kind: 'path', path: imgA }] });
    const msg = await answer(ids.assistantMessageId);
    expect(msg.status).toBe('done');
    expect(msg.text.length).toBeGreaterThan(0);
    expect(tokens.get(ids.assistantMessageId)!.length).toBeGreaterThan(1);
    expect(tokens.get(ids.assistantMessageId)!.join('').trim()).toBe(msg.text.trim());
    expect(msg.stats).toMatchObject({ imageTokens: TINY.imageSeqLen, tokens: 12, droppedTurns: 0 });
    const view = await service['chat.get']({ id: c.id });
    expect(view.title).toBe('What is in this picture?');
    expect(view.headId).toBe(ids.assistantMessageId);
    expect(view.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(view.messages[0]!.attachments).toMatchObject([{ kind: 'file', name: 'a.jpg' }]);
    expect(view.messages[0]!.attachments[0]!.thumb).toMatch(/^data:image\/webp;base64,/);
    expect((await service['chat.list']({})).some((x) => x.id === c.id && x.title === 'What is in this picture?')).toBe(true);
  });

  it('sends both images of one message, and every earlier image again on later turns', async () => {
    const c = await conversation();
    const t1 = await service['chat.send']({ conversationId: c.id, text: 'Compare these two.', attachments: [{ kind: 'path', path: imgA }, { kind: 'path', path: imgB }] });
    const a1 = await answer(t1.assistantMessageId);
    expect(a1.stats!.imageTokens).toBe(2 * TINY.imageSeqLen);
    const t2 = await service['chat.send']({ conversationId: c.id, text: 'And the colours?', attachments: [] });
    const a2 = await answer(t2.assistantMessageId);
    const t3 = await service['chat.send']({ conversationId: c.id, text: 'Which one is brighter?', attachments: [] });
    const a3 = await answer(t3.assistantMessageId);
    // Turn 3's prompt still holds both images of turn 1 (and only those).
    expect(a2.stats!.imageTokens).toBe(2 * TINY.imageSeqLen);
    expect(a3.stats!.imageTokens).toBe(2 * TINY.imageSeqLen);
    expect(a3.stats!.promptTokens).toBeGreaterThan(a1.stats!.promptTokens + a1.stats!.tokens);
    // Same prefix as the turn before: the engine reused its KV cache (sessionKey per conversation).
    expect(a2.stats!.cachedTokens).toBeGreaterThan(a1.stats!.promptTokens - 5);
    expect(a3.stats!.cachedTokens).toBeGreaterThan(a2.stats!.promptTokens - 5);
  });

  it('Stop ends the answer at once and keeps the partial text', async () => {
    const c = await conversation({ maxNewTokens: 4000 });
    const ids = await service['chat.send']({ conversationId: c.id, text: 'Tell me a very long story.', attachments: [] });
    await firstToken(ids.assistantMessageId);
    await expect(service['chat.send']({ conversationId: c.id, text: 'again', attachments: [] })).rejects.toThrow(/still being written/);
    expect(await service['chat.stop']({ conversationId: c.id })).toEqual({ stopped: true });
    const msg = await answer(ids.assistantMessageId);
    expect(msg.status).toBe('stopped');
    expect(msg.stopped).toBe(true);
    expect(msg.text.length).toBeGreaterThan(0);
    expect(msg.stats!.tokens).toBeLessThan(4000);
    expect((await service['chat.get']({ id: c.id })).messages[1]!.text).toBe(msg.text);
    expect(await service['chat.stop']({ conversationId: c.id })).toEqual({ stopped: false });
  });

  it('Regenerate adds a sibling answer, Edit a sibling question; branches can be switched', async () => {
    const c = await conversation();
    const t1 = await service['chat.send']({ conversationId: c.id, text: 'Describe it.', attachments: [{ kind: 'path', path: imgA }] });
    const first = await answer(t1.assistantMessageId);
    const r = await service['chat.regenerate']({ messageId: first.id });
    const second = await answer(r.assistantMessageId);
    expect(second.parentId).toBe(t1.userMessageId);
    expect(second.siblingIds).toEqual([first.id, second.id]);
    let view = await service['chat.get']({ id: c.id });
    expect(view.messages.map((m) => m.id)).toEqual([t1.userMessageId, second.id]);

    const e = await service['chat.edit']({ messageId: t1.userMessageId, text: 'Describe it in one word.' });
    const edited = await answer(e.assistantMessageId);
    view = await service['chat.get']({ id: c.id });
    expect(view.messages.map((m) => m.id)).toEqual([e.userMessageId, edited.id]);
    expect(view.messages[0]!.text).toBe('Describe it in one word.');
    expect(view.messages[0]!.siblingIds).toEqual([t1.userMessageId, e.userMessageId]);
    // The edited question keeps the original's image.
    expect(view.messages[0]!.attachments).toEqual((await service['chat.get']({ id: c.id, headId: first.id })).messages[0]!.attachments);
    expect(edited.stats!.imageTokens).toBe(TINY.imageSeqLen);

    // Back to the original question: it shows its newest answer (the regenerated one), then the first.
    view = await service['chat.switchBranch']({ messageId: t1.userMessageId });
    expect(view.messages.map((m) => m.id)).toEqual([t1.userMessageId, second.id]);
    view = await service['chat.switchBranch']({ messageId: first.id });
    expect(view.messages.map((m) => m.text)).toEqual(['Describe it.', first.text]);
    expect(view.headId).toBe(first.id);
  });

  it('attaches uploads (copied, the upload removed) and refuses bad attachments without adding a message', async () => {
    const c = await conversation();
    const up = await saveUpload(ctx.paths.uploads, { session: 'testsession01', name: 'upload.jpg', body: Readable.from([readFileSync(imgB)]) });
    const ids = await service['chat.send']({ conversationId: c.id, text: 'uploaded', attachments: [{ kind: 'upload', uploadId: up.uploadId }] });
    expect((await answer(ids.assistantMessageId)).stats!.imageTokens).toBe(TINY.imageSeqLen);
    expect(readdirSync(path.join(ctx.paths.uploads)).includes('testsession01')).toBe(false);

    const broken = await writeCorruptJpeg(path.join(dir, 'broken.jpg'));
    await expect(service['chat.send']({ conversationId: c.id, text: 'x', attachments: [{ kind: 'path', path: broken }] })).rejects.toThrow(/broken\.jpg is not a readable image/);
    await expect(service['chat.send']({ conversationId: c.id, text: 'x', attachments: [{ kind: 'path', path: path.join(dir, 'missing.jpg') }] })).rejects.toThrow(/not a file/);
    await expect(service['chat.send']({ conversationId: c.id, text: 'x', attachments: [{ kind: 'upload', uploadId: up.uploadId }] })).rejects.toThrow(/gone/);
    await expect(service['chat.send']({ conversationId: c.id, text: '  ', attachments: [] })).rejects.toThrow(/Type a message/);
    await expect(invoke(service, 'chat.send', { conversationId: c.id, text: 'x', attachments: [{ kind: 'path' }] })).rejects.toThrow(/Invalid input for chat.send/);
    expect((await service['chat.get']({ id: c.id })).messages).toHaveLength(2);
  });

  it('keeps everything across a restart, even when the original image file is gone', async () => {
    const moved = path.join(dir, 'moving.jpg');
    await copyFile(imgA, moved);
    const c = await conversation({ systemPrompt: 'Be brief.' });
    const t1 = await service['chat.send']({ conversationId: c.id, text: 'What is this?', attachments: [{ kind: 'path', path: moved }] });
    const a1 = await answer(t1.assistantMessageId);
    await service['chat.regenerate']({ messageId: a1.id }).then((r) => answer(r.assistantMessageId));
    const before = await service['chat.get']({ id: c.id });
    await rm(moved);

    await ctx.close();
    open();
    await ctx.engine().configure({ model: modelDir, device: 'cpu', dtype: 'fp32' });
    const after = await service['chat.get']({ id: c.id });
    expect(after).toEqual(before);
    expect(after.settings.systemPrompt).toBe('Be brief.');
    const t2 = await service['chat.send']({ conversationId: c.id, text: 'Still there?', attachments: [] });
    const a2 = await answer(t2.assistantMessageId);
    expect(a2.status).toBe('done');
    expect(a2.stats!.imageTokens).toBe(TINY.imageSeqLen);
  });

  it('drops the oldest turns when the context would overflow, with a visible notice', async () => {
    const c = await conversation({ maxNewTokens: 8 });
    // ~4,500 prompt tokens on the tiny model's vocabulary: fits alone, not with 4,096 new tokens after it.
    const t1 = await service['chat.send']({ conversationId: c.id, text: 'photo cat dog '.repeat(1500), attachments: [{ kind: 'path', path: imgA }] });
    const a1 = await answer(t1.assistantMessageId);
    expect(a1.stats!.droppedTurns).toBe(0);
    expect((await service['chat.get']({ id: c.id })).truncatedNotice).toBeNull();
    await service['chat.configure']({ id: c.id, settings: { maxNewTokens: 4096 } });
    const t2 = await service['chat.send']({ conversationId: c.id, text: 'Short question.', attachments: [] });
    await firstToken(t2.assistantMessageId);
    await service['chat.stop']({ conversationId: c.id });
    const a2 = await answer(t2.assistantMessageId);
    expect(a2.stats!.droppedTurns).toBe(2);
    expect(a2.stats!.imageTokens).toBe(0);
    const view = await service['chat.get']({ id: c.id });
    expect(view.truncatedNotice).toMatch(/2 oldest turns no longer fit the model's context/);
    // The stored conversation itself is untouched.
    expect(view.messages).toHaveLength(4);
  });

  it('renames, configures and deletes conversations (and their stored copies)', async () => {
    const c = await conversation();
    const other = await writeImage(path.join(dir, 'only-here.jpg'), { seed: 42 });
    const ids = await service['chat.send']({ conversationId: c.id, text: 'q', attachments: [{ kind: 'path', path: other }] });
    await answer(ids.assistantMessageId);
    expect((await service['chat.rename']({ id: c.id, title: 'Renamed' })).title).toBe('Renamed');
    expect((await service['chat.configure']({ id: c.id, settings: { temperature: 0.5 } })).settings).toMatchObject({ temperature: 0.5, maxNewTokens: 12, imageSplitting: false });
    const stored = (await service['chat.get']({ id: c.id })).messages[0]!.attachments[0]!.id;
    expect(existsSync(path.join(ctx.paths.attachments, stored))).toBe(true);
    expect(await service['chat.remove']({ id: c.id })).toEqual({ removed: true });
    await expect(service['chat.get']({ id: c.id })).rejects.toThrow(/does not exist/);
    expect((await service['chat.list']({})).some((x) => x.id === c.id)).toBe(false);
    // Its stored copy is collected once past the grace period; copies other messages use stay.
    const inUse = new ChatRepo(ctx.db).referencedFileIds();
    expect(inUse.size).toBeGreaterThan(0);
    await collectUnusedAttachments(ctx, new ChatRepo(ctx.db), Date.now() + 60 * 60_000);
    expect(existsSync(path.join(ctx.paths.attachments, stored))).toBe(false);
    for (const id of inUse) expect(existsSync(path.join(ctx.paths.attachments, id))).toBe(true);
  });
});
