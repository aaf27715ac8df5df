// Keyframe captions of videos (issue 12) on the forged tiny SmolVLM, through the real indexer, the
// real inference process and the real AI queue: N keyframes go into ONE prompt (N × the image tokens
// of one frame), the answer is deterministic, stored with provenance (model, prompt, frame times),
// searchable; and the queue survives a kill -9 in the middle of video captions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { nodeEngineFactory } from '../../main/engine/factory';
import { runAiStage } from '../../main/ai/stage';
import { fileKeyframes, videoKeyframes, setKeyframeCount } from '../../main/ai/video-frames';
import type { Service } from '../../shared/api';
import type { ChatMessage } from '../../shared/contract/chat';
import { tinyModelDir } from '../support/models';
import { makeClip } from '../support/videos';
import { makePhotos } from '../support/photos';
import { removeDir, tempDir } from '../library/helpers';

const REPO = path.resolve(__dirname, '../..');
let dir: string;
let ctx: AppContext;
let service: Service;
let model: string;
const idOf = new Map<string, number>();

beforeAll(async () => {
  model = await tinyModelDir();
  dir = tempDir('video-captions');
  const root = path.join(dir, 'clips');
  await Promise.all([
    makeClip({ file: path.join(root, 'beach.mp4'), seconds: 2 }),
    makeClip({ file: path.join(root, 'garden.webm'), codec: 'vp9', seconds: 2, pattern: 'topwhite' }),
  ]);
  await makePhotos(root, [{ rel: 'still.jpg', seed: 4 }]);
  ctx = createContext({ dataDir: path.join(dir, 'data'), engineFactory: nodeEngineFactory });
  service = createService(ctx);
  await service['roots.add']({ path: root, scan: false });
  await service['library.rescan']({});
  for (const r of ctx.db.prepare('SELECT id, rel_path FROM photos').all() as { id: number; rel_path: string }[]) idOf.set(r.rel_path, r.id);
}, 180_000);

afterAll(async () => {
  await ctx?.close();
  removeDir(dir);
});

describe('keyframe captions', () => {
  it('sends N keyframes as one prompt: N times the image tokens of one frame, deterministic', async () => {
    const id = idOf.get('beach.mp4')!;
    const clip = path.join(dir, 'clips', 'beach.mp4');
    const frames = (await videoKeyframes(ctx, id, clip, undefined, 4))!;
    expect(frames.map((f) => f.timeMs)).toEqual([250, 750, 1250, 1750]);
    const engine = ctx.engine();
    await engine.configure({ model });
    const one = await engine.caption({ path: frames[0]!.path, style: 'short' });
    const four = await engine.caption({ path: frames[0]!.path, frames: frames.map((f) => f.path), style: 'short', withTags: true });
    expect(one.imageTokens).toBeGreaterThan(0);
    expect(four.imageTokens).toBe(4 * one.imageTokens!);
    expect(four.prompt).toBe('These are 4 frames from one video, in order. Describe the video in one sentence.');
    const again = await engine.caption({ path: frames[0]!.path, frames: frames.map((f) => f.path), style: 'short', withTags: true });
    expect(again.caption).toBe(four.caption);
    expect(again.tags).toEqual(four.tags);
    const two = (await videoKeyframes(ctx, id, clip, undefined, 2))!;
    const fromTwo = await engine.caption({ path: two[0]!.path, frames: two.map((f) => f.path), style: 'short' });
    expect(fromTwo.imageTokens).toBe(2 * one.imageTokens!);
  }, 120_000);

  it('captions videos from the queue with provenance: model, prompt and frame times; searchable', async () => {
    setKeyframeCount(ctx.db, 3);
    const summary = await runAiStage(ctx, { ai: true, model });
    expect(summary.run).toMatchObject({ captioned: 3, failed: 0 });
    const beach = idOf.get('beach.mp4')!;
    const detail = await service['photos.get']({ id: beach });
    const ai = detail.captions.find((c) => c.source === 'ai')!;
    expect(ai).toMatchObject({ model, prompt: 'These are 3 frames from one video, in order. Describe the video in one sentence.' });
    expect(ai.text.length).toBeGreaterThan(0);
    expect(detail.video!.captionFramesMs).toEqual([333, 1000, 1667]);
    expect(detail.tags.some((t) => t.source === 'ai')).toBe(true);
    // The still in the same folder was captioned as a photo.
    const still = await service['photos.get']({ id: idOf.get('still.jpg')! });
    expect(still.captions.find((c) => c.source === 'ai')!.prompt).toBe('Describe this photo in one sentence.');
    const word = ai.text.split(/\W+/).find((w) => w.length > 3)!;
    const hits = await service['photos.search']({ query: word, filters: {}, limit: 50 });
    expect(hits.hits.map((h) => h.id), word).toContain(beach);
    expect(hits.hits.find((h) => h.id === beach)).toMatchObject({ mediaType: 'video' });
    // Export writes a video's sidecar as digiKam does (clip.mp4.xmp), into a mirror folder (originals untouched).
    const out = path.join(dir, 'sidecars');
    const exported = await service['export.run']({ kind: 'xmp', out, txtFormat: 'caption', overwrite: false, photoIds: [beach] });
    expect(exported.written).toBe(1);
    const xmp = readFileSync(path.join(out, 'clips', 'beach.mp4.xmp'), 'utf8');
    expect(xmp).toContain(ai.text.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
    const jsonl = path.join(dir, 'captions.jsonl');
    await service['export.run']({ kind: 'jsonl', out: jsonl, txtFormat: 'caption', overwrite: false, photoIds: [beach] });
    expect(JSON.parse(readFileSync(jsonl, 'utf8').trim())).toMatchObject({ caption: ai.text, mediaType: 'video', durationS: expect.closeTo(2, 1) });
  }, 180_000);
});

describe('asking about a video', () => {
  it('attaches its keyframes: the message names their times, the model sees every one of them', async () => {
    const beach = idOf.get('beach.mp4')!;
    const still = idOf.get('still.jpg')!;
    setKeyframeCount(ctx.db, 4);
    await ctx.engine().configure({ model });
    const done = new Map<number, ChatMessage>();
    ctx.events.on('chat.done', (e) => { done.set(e.message.id, e.message); });
    const ask = async (photoId: number) => {
      const c = await service['chat.create']({ settings: { maxNewTokens: 4, imageSplitting: false } });
      const ids = await service['chat.send']({ conversationId: c.id, text: 'What happens here?', attachments: [{ kind: 'photo', photoId }] });
      await expect.poll(() => done.get(ids.assistantMessageId)?.status, { timeout: 60_000 }).toBe('done');
      const view = await service['chat.get']({ id: c.id });
      return { user: view.messages.find((m) => m.role === 'user')!, answer: done.get(ids.assistantMessageId)! };
    };
    const video = await ask(beach);
    expect(video.user.attachments).toEqual([{ kind: 'photo', id: String(beach), name: 'beach.mp4', frames: [250, 750, 1250, 1750] }]);
    const photo = await ask(still);
    expect(photo.user.attachments[0]!.frames).toBeUndefined();
    // One image's tokens for the photo; four frames' for the video, in the same conversation shape.
    expect(video.answer.stats!.imageTokens).toBe(4 * photo.answer.stats!.imageTokens);
  }, 180_000);
});

describe('a video file from outside the library', () => {
  it('the caption drop zone captions it from its keyframes; chat stores it and sends its frames', async () => {
    setKeyframeCount(ctx.db, 4);
    await ctx.engine().configure({ model });
    const clip = path.join(dir, 'dropped.webm');
    await makeClip({ file: clip, codec: 'vp9', seconds: 2, pattern: 'topwhite' });
    const frames = (await fileKeyframes(ctx, clip))!;
    expect(frames.map((f) => f.timeMs)).toEqual([250, 750, 1250, 1750]);
    const direct = await ctx.engine().caption({ path: frames[0]!.path, frames: frames.map((f) => f.path), style: 'short' });
    const batch = await service['caption.start']({ paths: [clip], uploadIds: [], style: 'short', prefix: '', suffix: '' });
    let done = await service['caption.get']({ batchId: batch.id });
    while (done.state === 'running') { await new Promise((r) => setTimeout(r, 50)); done = await service['caption.get']({ batchId: batch.id }); }
    expect(done.items[0]).toMatchObject({ status: 'done', caption: direct.caption, error: null });

    const finished = new Map<number, ChatMessage>();
    ctx.events.on('chat.done', (e) => { finished.set(e.message.id, e.message); });
    const c = await service['chat.create']({ settings: { maxNewTokens: 4, imageSplitting: false } });
    const ids = await service['chat.send']({ conversationId: c.id, text: 'What happens?', attachments: [{ kind: 'path', path: clip }] });
    await expect.poll(() => finished.get(ids.assistantMessageId)?.status, { timeout: 60_000 }).toBe('done');
    const user = (await service['chat.get']({ id: c.id })).messages.find((m) => m.role === 'user')!;
    expect(user.attachments[0]).toMatchObject({ kind: 'file', name: 'dropped.webm', frames: [250, 750, 1250, 1750] });
    expect(user.attachments[0]!.id).toMatch(/^[0-9a-f]{64}\.webm$/);
    expect(user.attachments[0]!.thumb).toMatch(/^data:image\/webp;base64,/);
    expect(finished.get(ids.assistantMessageId)!.stats!.imageTokens).toBe(direct.imageTokens);
  }, 180_000);
});

describe('kill -9 while captioning videos', () => {
  const CLIPS = 5;
  let data: string;
  let clips: string;
  const query = <T>(sql: string): T[] => {
    const db = new Database(path.join(data, 'library.sqlite'), { readonly: true, fileMustExist: true });
    try { return db.prepare(sql).all() as T[]; } finally { db.close(); }
  };
  const count = (sql: string): number => { try { return query<{ n: number }>(sql)[0]?.n ?? 0; } catch { return 0; } };
  const cli = (args: string[]): ChildProcess => spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', ...args, '--data-dir', data],
    { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = (c: ChildProcess) => new Promise<number | null>((r) => { if (c.exitCode !== null || c.signalCode !== null) r(c.exitCode); else c.once('exit', r); });

  beforeAll(async () => {
    data = path.join(dir, 'kill-data');
    clips = path.join(dir, 'kill-clips');
    await Promise.all(Array.from({ length: CLIPS }, (_, i) => makeClip({ file: path.join(clips, `c${i}.mp4`), seconds: 1, width: 160, height: 120 })));
  }, 60_000);

  it('resumes: every clip ends with exactly one AI caption and its frame times', async () => {
    const child = cli(['index', clips, '--model', model]);
    const done = exited(child);
    const deadline = Date.now() + 120_000;
    while (count("SELECT count(*) AS n FROM captions WHERE source = 'ai'") < 1) {
      if (child.exitCode !== null) throw new Error('index ended before the kill point');
      if (Date.now() > deadline) throw new Error('kill point not reached');
      await new Promise((r) => setTimeout(r, 15));
    }
    process.kill(-child.pid!, 'SIGKILL');
    await done;
    const partial = count("SELECT count(*) AS n FROM captions WHERE source = 'ai'");
    expect(partial).toBeLessThan(CLIPS);
    // Caption, job state and frame times are one transaction.
    expect(count(`SELECT count(*) AS n FROM jobs j JOIN videos v ON v.photo_id = j.photo_id
      WHERE j.state = 'done' AND v.caption_frames_json IS NULL`)).toBe(0);
    const final = cli(['ai', 'start', '--model', model, '--json']);
    expect(await exited(final)).toBe(0);
    expect(count("SELECT count(*) AS n FROM captions WHERE source = 'ai'")).toBe(CLIPS);
    expect(count('SELECT count(*) AS n FROM (SELECT photo_id FROM captions GROUP BY photo_id, source HAVING count(*) > 1)')).toBe(0);
    expect(count("SELECT count(*) AS n FROM videos WHERE caption_frames_json = '[125,375,625,875]'")).toBe(CLIPS);
  }, 240_000);
});
