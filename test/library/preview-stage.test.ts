// The low-priority preview stage (issue 10, item 7): a scan makes only grid thumbnails; the app's
// stage then makes every 1600 px preview one at a time — never a video's, skipping a file that
// gives no pixels — resumes from its cursor after a restart, and leaves the originals untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { hashTree, makePhotos } from '../support/photos';
import { byRel, openLibrary, removeDir, tempDir, type TestLibrary } from './helpers';
import { thumbFiles } from '../../main/library/thumbs';
import { kickPreviews, previewsSettled, startPreviewStage, PREVIEW_CURSOR_KEY } from '../../main/library/preview-stage';
import { getSettings } from '../../main/models/settings';
import { THUMB_PREVIEW_PX } from '../../shared/constants';

let lib: TestLibrary;
let tmp: string;
let photos: string;

describe('preview stage', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    tmp = tempDir('preview-stage');
    photos = path.join(tmp, 'photos');
    await makePhotos(photos, Array.from({ length: 5 }, (_, i) => ({ rel: `p${i}.jpg`, seed: 40 + i, width: 2400, height: 1600 })));
    await fs.writeFile(path.join(photos, 'broken.jpg'), 'not a picture');
    lib = openLibrary(tmp);
    await lib.service['roots.add']({ path: photos, scan: false });
    await lib.service['library.rescan']({});
  });

  afterAll(async () => {
    await lib?.close();
    if (lib) removeDir(lib.tmp);
  });

  it('a scan alone makes no preview; the stage makes them all, at the preview size, and skips what gives no pixels', async () => {
    const rels = Array.from({ length: 5 }, (_, i) => `p${i}.jpg`);
    const hashes = lib.ctx.db.prepare('SELECT rel_path, content_hash FROM photos').all() as { rel_path: string; content_hash: string | null }[];
    const preview = (rel: string) => thumbFiles(lib.ctx.paths.thumbs, hashes.find((h) => h.rel_path === rel)!.content_hash!).preview;
    for (const rel of rels) expect(existsSync(preview(rel)), rel).toBe(false);
    const before = await hashTree(photos);
    startPreviewStage(lib.ctx);
    await previewsSettled(lib.ctx);
    for (const rel of rels) {
      const meta = await sharp(preview(rel)).metadata();
      expect(Math.max(meta.width!, meta.height!), rel).toBe(THUMB_PREVIEW_PX);
    }
    expect(byRel(lib.ctx, 'broken.jpg')).toMatchObject({ status: 'error' });
    expect(await hashTree(photos)).toEqual(before);
    // The cursor is the last photo it looked at: a restart goes on from there, not from the start.
    const last = (lib.ctx.db.prepare(`SELECT max(id) AS id FROM photos WHERE status = 'ok'`).get() as { id: number }).id;
    expect(getSettings(lib.ctx.db)[PREVIEW_CURSOR_KEY]).toBe(last);
  });

  it('photos found by a later scan get theirs without another start', async () => {
    await makePhotos(photos, [{ rel: 'later.jpg', seed: 77, width: 2000, height: 1500 }]);
    await lib.service['library.rescan']({});
    await previewsSettled(lib.ctx);
    const row = lib.ctx.db.prepare(`SELECT content_hash FROM photos WHERE rel_path = 'later.jpg'`).get() as { content_hash: string };
    expect(existsSync(thumbFiles(lib.ctx.paths.thumbs, row.content_hash).preview)).toBe(true);
  });

  it('walks thousands of photos whose previews exist in batches, and lets the event loop run between them', async () => {
    // Clones of p0 (its content, so its preview exists): nothing to make, nothing awaited per photo.
    const db = lib.ctx.db;
    const p0 = db.prepare(`SELECT root_id, content_hash FROM photos WHERE rel_path = 'p0.jpg'`).get() as { root_id: number; content_hash: string };
    const insert = db.prepare(`INSERT INTO photos (root_id, rel_path, file_name, folder, size, mtime_ms, content_hash, format, sort_date, status, created_at, updated_at)
      VALUES (?, ?, ?, 'c', 1, 0, ?, 'jpeg', '2020-01-01T00:00:00', 'ok', 'now', 'now') RETURNING id`);
    const stage = db.prepare(`INSERT INTO photo_stage (photo_id, stage, done_at, attempts) VALUES (?, 'thumbnail', 'now', 1)`);
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) stage.run((insert.get(p0.root_id, `c/${i}.jpg`, `${i}.jpg`, p0.content_hash) as { id: number }).id);
    })();
    let turns = 0;
    const ticker = setInterval(() => { turns++; }, 0);
    kickPreviews(lib.ctx);
    await previewsSettled(lib.ctx);
    clearInterval(ticker);
    expect(turns).toBeGreaterThan(0);
    expect(getSettings(db)[PREVIEW_CURSOR_KEY]).toBe((db.prepare('SELECT max(id) AS id FROM photos').get() as { id: number }).id);
  });
});
