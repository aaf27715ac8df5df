// Drag-and-drop captioning through the real service and inference process (forged tiny model):
// a folder with three good images and a damaged one, .txt files, edits, export, cancel, uploads,
// and adding the captioned files to the library.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import path from 'node:path';
import { createContext, type AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import { nodeEngineFactory } from '../../main/engine/factory';
import { saveUpload } from '../../main/uploads/store';
import type { Input, MethodName, Output, Service } from '../../shared/api';
import { invoke } from '../../main/service/invoke';
import type { CaptionBatch, CaptionItem } from '../../shared/contract/chat';
import { tinyModelDir } from '../support/models';
import { tempDir, writeCorruptJpeg, writeImage } from '../chat/fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let ctx: AppContext;
let service: Service;
const events: { batchId: string; item: CaptionItem }[] = [];

/** Through invoke(), as every adapter calls: zod validation and defaults apply. */
const call = <K extends MethodName>(name: K, input: Input<K>): Promise<Output<K>> => invoke(service, name, input) as Promise<Output<K>>;

async function settled(batchId: string): Promise<CaptionBatch> {
  for (;;) {
    const b = await call('caption.get', { batchId });
    if (b.state !== 'running') return b;
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('smolalbum-capt-'));
  ctx = createContext({ dataDir: path.join(dir, 'data'), engineFactory: nodeEngineFactory });
  service = createService(ctx);
  ctx.events.on('caption.item', (e) => events.push(e));
  await ctx.engine().configure({ model: await tinyModelDir(), device: 'cpu', dtype: 'fp32' });
});
afterAll(async () => { await ctx?.close(); await cleanup(); });

describe('captioning', () => {
  it('captions a dropped folder: three images succeed, a damaged one shows its error; .txt files hold those captions', async () => {
    const set = path.join(dir, 'set');
    await mkdir(set);
    await writeImage(path.join(set, 'one.jpg'), { seed: 1 });
    await writeImage(path.join(set, 'two.png'), { seed: 2, format: 'png' });
    await writeCorruptJpeg(path.join(set, 'broken.jpg'));
    await writeImage(path.join(set, 'three.webp'), { seed: 3, format: 'webp' });

    const started = await call('caption.start', { paths: [set], style: 'short', prefix: 'ohwx, ' });
    expect(started.items.map((i) => i.name)).toEqual(['broken.jpg', 'one.jpg', 'three.webp', 'two.png']);
    const b = await settled(started.id);
    expect(b.state).toBe('done');
    const byName = Object.fromEntries(b.items.map((i) => [i.name, i]));
    expect(byName['broken.jpg']).toMatchObject({ status: 'error', caption: null });
    expect(byName['broken.jpg']!.error).toMatch(/broken\.jpg is .*not a readable image/);
    const good = b.items.filter((i) => i.status === 'done');
    expect(good).toHaveLength(3);
    for (const i of good) expect(i.caption).toMatch(/^ohwx, \S+/);
    // Every item was reported running, then finished.
    const mine = events.filter((e) => e.batchId === b.id);
    for (const i of b.items) expect(mine.filter((e) => e.item.id === i.id).map((e) => e.item.status)).toEqual(['running', i.status]);

    const saved = await call('caption.saveTxt', { batchId: b.id });
    expect(saved).toEqual({ written: 3, skipped: 1, errors: [] });
    for (const i of good) expect(await readFile(path.join(set, `${path.parse(i.name).name}.txt`), 'utf8')).toBe(`${i.caption}\n`);
    expect(existsSync(path.join(set, 'broken.txt'))).toBe(false);

    // Existing .txt files are kept unless overwrite is ticked; edits are what gets written.
    await call('caption.edit', { batchId: b.id, itemId: byName['one.jpg']!.id, caption: 'ohwx, a hand-written caption' });
    expect(await call('caption.saveTxt', { batchId: b.id })).toMatchObject({ written: 0, skipped: 4 });
    expect(await call('caption.saveTxt', { batchId: b.id, overwrite: true })).toMatchObject({ written: 3 });
    expect(await readFile(path.join(set, 'one.txt'), 'utf8')).toBe('ohwx, a hand-written caption\n');
    await expect(call('caption.edit', { batchId: b.id, itemId: byName['broken.jpg']!.id, caption: 'x' })).rejects.toThrow(/no caption to edit/);

    const csv = (await call('caption.export', { batchId: b.id, format: 'csv' })).text;
    expect(csv.split('\r\n')[0]).toBe('file,path,caption,tags,status,error');
    expect(csv).toContain(`one.jpg,${path.join(set, 'one.jpg')},"ohwx, a hand-written caption",,done,`);
    const jsonl = (await call('caption.export', { batchId: b.id, format: 'jsonl' })).text.trim().split('\n').map((l) => JSON.parse(l));
    expect(jsonl.map((r) => r.status)).toEqual(['error', 'done', 'done', 'done']);

    // Add them to the library: the folder becomes a root, the three images are indexed with their captions.
    const added = await call('caption.addToLibrary', { batchId: b.id });
    expect(added).toEqual({ added: 3, rootsAdded: [set], skipped: 1 });
    const rows = ctx.db.prepare(`SELECT p.file_name, c.text, c.source FROM photos p JOIN captions c ON c.photo_id = p.id ORDER BY p.file_name`).all();
    expect(rows).toEqual([
      { file_name: 'one.jpg', text: 'ohwx, a hand-written caption', source: 'user' },
      { file_name: 'three.webp', text: byName['three.webp']!.caption, source: 'ai' },
      { file_name: 'two.png', text: byName['two.png']!.caption, source: 'ai' },
    ]);
  });

  it('styles: tags give a comma list, custom prompts fill {filename} and {folder}', async () => {
    await mkdir(path.join(dir, 'alt'));
    const f = await writeImage(path.join(dir, 'alt', 'beach_day.jpg'), { seed: 9 });
    const tags = await settled((await call('caption.start', { paths: [f], style: 'tags' })).id);
    expect(tags.items[0]!.status).toBe('done');
    expect(tags.items[0]!.tags.length).toBeGreaterThan(0);
    expect(tags.items[0]!.caption).toBe(tags.items[0]!.tags.join(', '));
    const custom = await settled((await call('caption.start', { paths: [f], style: 'custom', prompt: 'Write alt text for {filename} in {folder}.', suffix: ' [alt]' })).id);
    expect(custom.items[0]!.caption).toMatch(/\S \[alt\]$/);
    // The filled prompt is what the model got (kept as the caption's provenance in the library).
    await call('caption.addToLibrary', { batchId: custom.id });
    expect(ctx.db.prepare("SELECT c.prompt FROM captions c JOIN photos p ON p.id = c.photo_id WHERE p.file_name = 'beach_day.jpg'").get())
      .toEqual({ prompt: 'Write alt text for beach_day in alt.' });
    await expect(call('caption.start', { paths: [f], style: 'custom' })).rejects.toThrow(/custom style needs a prompt/);
    await expect(call('caption.start', {})).rejects.toThrow(/Drop or pick some images/);
  });

  it('cancel stops the batch: nothing after it is captioned', async () => {
    const many = path.join(dir, 'many');
    await mkdir(many);
    for (let i = 0; i < 12; i++) await writeImage(path.join(many, `img${String(i).padStart(2, '0')}.jpg`), { seed: 100 + i, width: 300, height: 200 });
    const b = await call('caption.start', { paths: [many], style: 'detailed' });
    while (!events.some((e) => e.batchId === b.id && e.item.status === 'done')) await new Promise((r) => setTimeout(r, 5));
    const after = await call('caption.cancel', { batchId: b.id });
    expect(after.state).toBe('cancelled');
    const counts = after.items.reduce<Record<string, number>>((n, i) => ({ ...n, [i.status]: (n[i.status] ?? 0) + 1 }), {});
    expect(counts.done).toBeGreaterThanOrEqual(1);
    expect(counts.cancelled).toBeGreaterThanOrEqual(1);
    expect((counts.done ?? 0) + (counts.cancelled ?? 0)).toBe(12);
    expect(after.items.some((i) => i.status === 'queued' || i.status === 'running')).toBe(false);
  });

  it('captions browser uploads and removes them when the batch ends; unknown uploads are listed as rejected', async () => {
    const ids: string[] = [];
    for (const seed of [21, 22]) {
      const file = await writeImage(path.join(dir, `u${seed}.jpg`), { seed });
      ids.push((await saveUpload(ctx.paths.uploads, { session: 'captionsession', name: `photo ${seed}.jpg`, body: Readable.from([readFileSync(file)]) })).uploadId);
    }
    const b = await settled((await call('caption.start', { uploadIds: [...ids, 'captionsession.0123456789abcdef'] })).id);
    expect(b.items.map((i) => [i.name, i.path, i.source, i.status])).toEqual([
      ['photo 21.jpg', 'photo 21.jpg', 'upload', 'done'], ['photo 22.jpg', 'photo 22.jpg', 'upload', 'done'],
    ]);
    expect(b.rejected).toHaveLength(1);
    expect(readdirSync(ctx.paths.uploads)).not.toContain('captionsession');
    const saved = await call('caption.saveTxt', { batchId: b.id });
    expect(saved.written).toBe(0);
    expect(saved.errors[0]!.error).toMatch(/no folder to save beside/);
    expect(await call('caption.addToLibrary', { batchId: b.id })).toEqual({ added: 0, rootsAdded: [], skipped: 2 });
  });
});
