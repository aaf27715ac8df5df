// AI indexing on the forged tiny model, through the real indexer and the real inference process:
// captions + tags with provenance, search over them, XMP import, user edits surviving re-runs,
// a model change, pause / resume / cancel, and failures recorded with their message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { nodeEngineFactory } from '../../main/engine/factory';
import { addRoot } from '../../main/library/roots';
import { scanRoots } from '../../main/library/indexer';
import { resolveMedia } from '../../main/library/media';
import { runAiStage } from '../../main/ai/stage';
import { aiWorker } from '../../main/ai/worker';
import { queueRerunFor } from '../../main/ai/rerun';
import { jobCounts } from '../../main/ai/queue';
import { mergeXmp } from '../../main/export/xmp-doc';
import type { Service } from '../../shared/api';
import type { AiStatus } from '../../shared/types';
import { makePhotos } from '../support/photos';
import { tinyModelDir } from '../support/models';

let ctx: AppContext;
let service: Service;
let dir: string;
let model: string;
let files: string[];
const idOf = new Map<string, number>();

interface CaptionRow { photo_id: number; text: string; source: string; model: string | null; prompt: string | null }
const captions = (source?: string) => ctx.db.prepare(`SELECT photo_id, text, source, model, prompt FROM captions
  ${source ? 'WHERE source = ?' : ''} ORDER BY photo_id`).all(...(source ? [source] : [])) as CaptionRow[];
const tagsOf = (id: number) => ctx.db.prepare(`SELECT t.name, pt.source FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
  WHERE pt.photo_id = ? ORDER BY pt.source, t.name`).all(id) as { name: string; source: string }[];

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  model = await tinyModelDir();
  dir = mkdtempSync(path.join(os.tmpdir(), 'smolalbum-ai-'));
  const photos = path.join(dir, 'photos');
  files = await makePhotos(photos, [
    { rel: 'grandma.jpg', seed: 1, exif: { description: 'Grandma at her birthday', keywords: ['Grandma', 'Family'] } },
    { rel: 'paris.jpg', seed: 2 },
    { rel: 'trip/boat.png', format: 'png', seed: 3 },
    { rel: 'trip/field.webp', format: 'webp', seed: 4 },
    { rel: 'trip/broken.jpg', seed: 5 },
    { rel: 'x.jpg', seed: 6 },
  ]);
  // A Lightroom-style sidecar (<name>.xmp) with keywords and a description.
  writeFileSync(path.join(photos, 'paris.xmp'), mergeXmp(null, { caption: 'Eiffel tower at night', tags: ['Paris', 'Travel'] }));
  ctx = createContext({ dataDir: path.join(dir, 'data'), engineFactory: nodeEngineFactory });
  service = createService(ctx);
  await addRoot(ctx.db, photos);
  await scanRoots(ctx);
  for (const r of ctx.db.prepare('SELECT id, rel_path FROM photos').all() as { id: number; rel_path: string }[]) idOf.set(r.rel_path, r.id);
}, 120_000);
afterAll(async () => {
  await ctx?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('index with AI', () => {
  let summary: Awaited<ReturnType<typeof runAiStage>>;
  const statuses: AiStatus[] = [];
  beforeAll(async () => {
    summary = await runAiStage(ctx, { ai: true, model, onStatus: (s) => statuses.push(s) });
  }, 120_000);

  it('captions every photo with tags, source ai and the model id', () => {
    expect(summary.run).toMatchObject({ captioned: 6, failed: 0, stoppedBy: 'drained', error: null });
    const ai = captions('ai');
    expect(ai.map((c) => c.photo_id)).toEqual([...idOf.values()].sort((a, b) => a - b));
    for (const c of ai) {
      expect(c.text.length).toBeGreaterThan(0);
      expect(c.model).toBe(model);
      expect(c.prompt).toBeTruthy();
      const tags = tagsOf(c.photo_id).filter((t) => t.source === 'ai');
      expect(tags.length).toBeGreaterThan(0);
    }
    expect(jobCounts(ctx.db)).toMatchObject({ done: 6, queued: 0, running: 0, failed: 0 });
  });

  it('reports progress with an ETA while photos remain', () => {
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    const mid = statuses.filter((s) => s.queued > 0 && s.done > 0);
    expect(mid.length).toBeGreaterThan(0);
    expect(mid.every((s) => s.etaMs !== null && s.etaMs > 0)).toBe(true);
    expect(statuses.at(-1)).toMatchObject({ done: 6, queued: 0, running: 0, etaMs: null });
  });

  it('a word of a caption finds the photo in search', async () => {
    // Photos whose shown caption is the AI one (an xmp or user caption takes precedence in search).
    const shown = captions('ai').filter((c) => !captions().some((o) => o.photo_id === c.photo_id && o.source !== 'ai'));
    expect(shown.length).toBeGreaterThanOrEqual(3);
    for (const c of shown.slice(0, 3)) {
      const word = c.text.split(/\W+/).find((w) => w.length > 3)!;
      const result = await service['photos.search']({ query: word, filters: {}, limit: 100 });
      expect(result.hits.map((h) => h.id), word).toContain(c.photo_id);
    }
  });

  it('imports embedded XMP/IPTC and sidecar keywords as xmp source, searchable', async () => {
    const grandma = idOf.get('grandma.jpg')!;
    const paris = idOf.get('paris.jpg')!;
    expect(tagsOf(grandma).filter((t) => t.source === 'xmp').map((t) => t.name)).toEqual(['Family', 'Grandma']);
    expect(tagsOf(paris).filter((t) => t.source === 'xmp').map((t) => t.name)).toEqual(['Paris', 'Travel']);
    const detail = await service['photos.get']({ id: paris });
    expect(detail.captions[0]).toMatchObject({ text: 'Eiffel tower at night', source: 'xmp' });
    expect(detail.caption).toBe('Eiffel tower at night');
    expect((await service['photos.search']({ query: 'grandma', filters: {}, limit: 10 })).hits.map((h) => h.id)).toEqual([grandma]);
    expect((await service['photos.search']({ query: 'eiffel', filters: {}, limit: 10 })).hits.map((h) => h.id)).toEqual([paris]);
    expect(summary.xmp.imported).toBe(2);
  });

  it('a second run has nothing to do', async () => {
    const again = await runAiStage(ctx, { ai: true, model });
    expect(again.queued).toBe(0);
    expect(again.run).toMatchObject({ captioned: 0, stoppedBy: 'drained' });
    expect(again.xmp.imported).toBe(0);
  });
});

describe('user edits and re-runs', () => {
  it('a user caption, user tags and removed tags survive ai rerun; the XMP keyword stays', async () => {
    const id = idOf.get('grandma.jpg')!;
    const before = captions('ai').find((c) => c.photo_id === id)!;
    const aiTag = tagsOf(id).find((t) => t.source === 'ai')!.name;
    await service['photos.setCaption']({ id, text: 'Grandma turns ninety' });
    await service['photos.addTags']({ id, tags: ['cake', 'Birthday'] });
    const edited = await service['photos.removeTags']({ id, tags: [aiTag] });
    expect(edited.captions[0]).toMatchObject({ text: 'Grandma turns ninety', source: 'user' });
    expect(edited.tags.map((t) => t.name)).not.toContain(aiTag);

    const queued = queueRerunFor(ctx, {});
    expect(queued).toBe(6);
    const run = await aiWorker(ctx).run({ model });
    expect(run).toMatchObject({ captioned: 6, failed: 0 });

    const after = await service['photos.get']({ id });
    expect(after.caption).toBe('Grandma turns ninety');
    expect(after.captions.map((c) => c.source)).toEqual(['user', 'xmp', 'ai']);
    expect(captions('ai').filter((c) => c.photo_id === id)).toHaveLength(1);
    expect(captions('ai').find((c) => c.photo_id === id)!.text).toBe(before.text); // deterministic model
    const tags = tagsOf(id);
    expect(tags.filter((t) => t.source === 'user').map((t) => t.name)).toEqual(['Birthday', 'cake']);
    expect(tags.filter((t) => t.source === 'xmp').map((t) => t.name)).toEqual(['Family', 'Grandma']);
    expect(tags.map((t) => t.name)).not.toContain(aiTag);
    expect((await service['photos.search']({ query: 'ninety', filters: {}, limit: 10 })).hits.map((h) => h.id)).toEqual([id]);
    expect((await service['photos.search']({ query: 'grandma', filters: {}, limit: 10 })).hits.map((h) => h.id)).toEqual([id]);
  });

  it('rerun with another model re-captions the photos a query matches, and captions carry their model id', async () => {
    const other = path.join(dir, 'other-model');
    symlinkSync(model, other, 'dir');
    const trip = [idOf.get('trip/boat.png')!, idOf.get('trip/field.webp')!, idOf.get('trip/broken.jpg')!];
    const { queued } = await service['ai.rerun']({ model: other, query: 'trip' });
    expect(queued).toBe(3);
    await aiWorker(ctx).run({ model });
    const ai = captions('ai');
    expect(ai.filter((c) => c.model === other).map((c) => c.photo_id).sort()).toEqual(trip.sort());
    expect(ai.filter((c) => c.model === model)).toHaveLength(3);
    expect(ai).toHaveLength(6);
  });
});

describe('queue control', () => {
  // The app's background worker uses the configured engine model.
  beforeAll(async () => { await service['engine.configure']({ model }); });

  it('pause stops after releasing the photo in flight; start resumes to the end', async () => {
    queueRerunFor(ctx, {});
    const first = new Promise<void>((resolve) => {
      const off = ctx.events.on('ai.status', (s) => { if (s.done >= 1 && s.queued > 0) { off(); resolve(); } });
    });
    const started = await service['ai.start']({});
    expect(started.paused).toBe(false);
    await first;
    const paused = await service['ai.pause']({});
    expect(paused).toMatchObject({ paused: true, running: 0 });
    expect(paused.queued).toBeGreaterThan(0);
    expect(aiWorker(ctx).running).toBe(false);
    const resumed = await service['ai.start']({});
    expect(resumed.paused).toBe(false);
    await until(() => jobCounts(ctx.db).queued === 0 && jobCounts(ctx.db).running === 0, 'the queue to drain');
    expect(jobCounts(ctx.db)).toMatchObject({ done: 6, failed: 0 });
    expect(captions('ai')).toHaveLength(6);
  });

  it('cancel empties the queue; start brings the cancelled photos back', async () => {
    await service['ai.pause']({});
    queueRerunFor(ctx, {});
    const cancelled = await service['ai.cancel']({});
    expect(cancelled).toMatchObject({ queued: 0, running: 0 });
    expect(jobCounts(ctx.db).cancelled).toBe(6);
    await service['ai.start']({});
    await until(() => jobCounts(ctx.db).done === 6, 'cancelled jobs to run again');
    await service['ai.pause']({});
  });

  it('a photo that cannot be read fails with its message after the retry policy, the others go on', async () => {
    const id = idOf.get('trip/broken.jpg')!;
    rmSync((await resolveMedia(ctx, 'preview', id))!.file);
    writeFileSync(files[4]!, 'this is not a picture');
    ctx.db.prepare("DELETE FROM settings WHERE key = 'ai.paused'").run();
    queueRerunFor(ctx, {});
    const run = await aiWorker(ctx).run({ model });
    expect(run).toMatchObject({ captioned: 5, failed: 1, stoppedBy: 'drained' });
    const job = ctx.db.prepare("SELECT state, error, attempts FROM jobs WHERE photo_id = ?").get(id) as { state: string; error: string; attempts: number };
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/\S/);
    const stage = ctx.db.prepare("SELECT error FROM photo_stage WHERE photo_id = ? AND stage = 'ai'").get(id) as { error: string };
    expect(stage.error).toBe(job.error);
    expect((await service['ai.status']({})).failed).toBe(1);
    // The earlier caption is kept, not lost.
    expect(captions('ai').filter((c) => c.photo_id === id)).toHaveLength(1);
  });
});
