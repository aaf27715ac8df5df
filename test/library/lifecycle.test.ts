// The life of a library on real folders: index → rescan unchanged (no writes) → modify → move →
// delete (offline) → restore → the watcher picks up new files without a rescan. Originals stay intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { hashTree, makePhotos, pictureOf, writeExif } from '../support/photos';
import { byRel, openLibrary, photoRows, removeDir, tempDir, waitFor, type TestLibrary } from './helpers';
import { scanRoots } from '../../main/library/indexer';
import { watchRoots } from '../../main/library/watcher';
import { resolveMedia } from '../../main/library/media';
import { thumbFiles } from '../../main/library/thumbs';
import { refreshPhotoText } from '../../main/db/photo-text';
import type { Progress } from '../../shared/types';

let lib: TestLibrary;
let photos: string;
let outside: string;

/** Runs a scan and checks that it left every original byte-for-byte as it was. */
async function scanUntouched() {
  const before = await hashTree(photos);
  const summary = await lib.service['library.rescan']({});
  expect(await hashTree(photos)).toEqual(before);
  return summary;
}

beforeAll(async () => {
  const tmp = tempDir('lifecycle');
  photos = path.join(tmp, 'Photos');
  outside = path.join(tmp, 'elsewhere');
  await fs.mkdir(outside);
  await makePhotos(photos, [
    { rel: 'beach.jpg', seed: 1, exif: { make: 'Canon', model: 'Canon EOS R5', lens: 'RF24-70mm F2.8 L IS USM', date: '2021:06:01 12:34:56', offset: '+02:00', lat: 43.2965, lon: 5.3698, orientation: 6, description: 'Sunset over the old port', keywords: ['sunset', 'harbour'] } },
    { rel: 'trip/street.png', format: 'png', seed: 2, exif: { make: 'NIKON CORPORATION', model: 'NIKON D750', date: '2020:01:02 03:04:05', lat: -33.8688, lon: 151.2093, orientation: 8 } },
    { rel: 'trip/market.webp', format: 'webp', seed: 3, exif: { make: 'FUJIFILM', model: 'X-T4', date: '2019:05:05 10:00:00' } },
    { rel: 'trip/day2/no-exif.jpg', seed: 4 },
    { rel: '.hidden/secret.jpg', seed: 5 },
  ]);
  await fs.writeFile(path.join(photos, '.DS_Store'), 'mac clutter');
  await fs.writeFile(path.join(photos, 'Thumbs.db'), 'windows clutter');
  await fs.mkdir(path.join(photos, '@eaDir'));
  await fs.copyFile(path.join(photos, 'beach.jpg'), path.join(photos, '@eaDir', 'beach.jpg'));
  await fs.writeFile(path.join(photos, 'notes.txt'), 'not a photo');
  lib = openLibrary(tmp);
  await lib.service['roots.add']({ path: photos, scan: false });
});

afterAll(async () => {
  await lib?.close();
  removeDir(lib.tmp);
});

describe('library lifecycle', { timeout: 120_000 }, () => {
  let firstIds: Map<string, number>;

  it('indexes JPEG, PNG and WebP with their metadata, skipping hidden and system files', async () => {
    const progress: Progress[] = [];
    const off = lib.ctx.events.on('library.progress', (p) => progress.push(p));
    const summary = await scanUntouched();
    off();
    expect(summary).toMatchObject({ added: 4, changed: 0, moved: 0, offline: 0, errors: 0, thumbnails: 4 });
    expect(photoRows(lib.ctx).map((r) => r.rel_path)).toEqual(['beach.jpg', 'trip/day2/no-exif.jpg', 'trip/market.webp', 'trip/street.png']);
    expect(progress.some((p) => p.stage === 'discover')).toBe(true);
    const last = progress.filter((p) => p.stage === 'thumbnail').at(-1)!;
    expect(last).toMatchObject({ done: 4, total: 4 });
    firstIds = new Map(photoRows(lib.ctx).map((r) => [r.rel_path, r.id]));

    const beach = await lib.service['photos.get']({ id: firstIds.get('beach.jpg')! });
    expect(beach).toMatchObject({
      format: 'jpeg', cameraMake: 'Canon', cameraModel: 'Canon EOS R5', lens: 'RF24-70mm F2.8 L IS USM',
      takenAt: '2021-06-01T12:34:56+02:00', month: '2021-06', orientation: 6, width: 64, height: 96, hasThumb: true, status: 'ok',
    });
    expect(beach.lat).toBeCloseTo(43.2965, 3);
    expect(beach.lon).toBeCloseTo(5.3698, 3);
    const xmp = lib.ctx.db.prepare('SELECT xmp_json FROM photos WHERE id = ?').get(beach.id) as { xmp_json: string };
    expect(JSON.parse(xmp.xmp_json)).toEqual({ description: 'Sunset over the old port', keywords: ['sunset', 'harbour'] });

    const street = await lib.service['photos.get']({ id: firstIds.get('trip/street.png')! });
    // No OffsetTimeOriginal: local wall-clock time, no zone invented.
    expect(street).toMatchObject({ format: 'png', orientation: 8, width: 64, height: 96, takenAt: '2020-01-02T03:04:05' });
    expect(street.lat).toBeCloseTo(-33.8688, 3);
    expect(street.lon).toBeCloseTo(151.2093, 3);
    const market = await lib.service['photos.get']({ id: firstIds.get('trip/market.webp')! });
    expect(market).toMatchObject({ format: 'webp', cameraMake: 'FUJIFILM', cameraModel: 'X-T4', width: 96, height: 64, lat: null });

    // Thumbnails: EXIF-rotated WebP; the grid size keeps its short side, never enlarged.
    const media = (await resolveMedia(lib.ctx, 'thumb', beach.id))!;
    expect(media.mime).toBe('image/webp');
    const meta = await sharp(media.file).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 64, 96]);
    expect(await resolveMedia(lib.ctx, 'photo', beach.id)).toEqual({ file: path.join(photos, 'beach.jpg'), mime: 'image/jpeg' });
    expect(await resolveMedia(lib.ctx, 'preview', 999_999)).toBeNull();
    expect(photoRows(lib.ctx).every((r) => /^[0-9a-f]{16}$/.test(r.phash ?? ''))).toBe(true);
  });

  it('lists newest first grouped by month, with stable keyset pages and neighbours', async () => {
    const page1 = await lib.service['photos.list']({ limit: 2 });
    expect(page1.total).toBe(4);
    const noExifMonth = page1.groups.find((g) => g.month !== '2021-06' && g.month !== '2020-01' && g.month !== '2019-05')!.month;
    expect(page1.groups).toEqual([{ month: noExifMonth, count: 1 }, { month: '2021-06', count: 1 }, { month: '2020-01', count: 1 }, { month: '2019-05', count: 1 }]);
    const page2 = await lib.service['photos.list']({ limit: 2, cursor: page1.nextCursor! });
    expect(page2.nextCursor).toBeNull();
    const order = [...page1.items, ...page2.items].map((p) => p.relPath);
    expect(order).toEqual(['trip/day2/no-exif.jpg', 'beach.jpg', 'trip/street.png', 'trip/market.webp']);
    const beach = await lib.service['photos.get']({ id: firstIds.get('beach.jpg')! });
    expect([beach.prevId, beach.nextId]).toEqual([firstIds.get('trip/day2/no-exif.jpg'), firstIds.get('trip/street.png')]);
    await expect(lib.service['photos.list']({ limit: 2, cursor: 'garbage' })).rejects.toThrow(/cursor/);
  });

  it('rescans an unchanged library without a single write', async () => {
    const changes = () => (lib.ctx.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    const before = changes();
    const rows = photoRows(lib.ctx);
    const thumbMtimes = rows.map((r) => statSync(thumbFiles(lib.ctx.paths.thumbs, r.content_hash!).grid).mtimeMs);
    const summary = await scanUntouched();
    expect(summary).toMatchObject({ added: 0, changed: 0, unchanged: 4, moved: 0, offline: 0, restored: 0, errors: 0, thumbnails: 0 });
    expect(changes()).toBe(before);
    expect(photoRows(lib.ctx)).toEqual(rows);
    expect(rows.map((r) => statSync(thumbFiles(lib.ctx.paths.thumbs, r.content_hash!).grid).mtimeMs)).toEqual(thumbMtimes);
  });

  it('re-reads a modified photo', async () => {
    const file = path.join(photos, 'trip/day2/no-exif.jpg');
    const old = byRel(lib.ctx, 'trip/day2/no-exif.jpg')!;
    await pictureOf(120, 80, 99).jpeg().toFile(`${file}.new`);
    await fs.rename(`${file}.new`, file);
    writeExif([[file, { make: 'SONY', model: 'ILCE-7M3', date: '2018:08:08 08:08:08' }]]);
    const summary = await scanUntouched();
    expect(summary).toMatchObject({ added: 0, changed: 1, unchanged: 3, thumbnails: 1 });
    const now = byRel(lib.ctx, 'trip/day2/no-exif.jpg')!;
    expect(now.id).toBe(old.id);
    expect(now.content_hash).not.toBe(old.content_hash);
    expect(await lib.service['photos.get']({ id: now.id })).toMatchObject({ cameraMake: 'SONY', takenAt: '2018-08-08T08:08:08', width: 120, height: 80 });
  });

  it('re-reads a photo rewritten in place with the same size (size alone is not enough)', async () => {
    const file = path.join(photos, 'trip/day2/no-exif.jpg');
    const old = byRel(lib.ctx, 'trip/day2/no-exif.jpg')!;
    const before = await fs.readFile(file);
    const bytes = Buffer.from(before.toString('latin1').replaceAll('ILCE-7M3', 'ILCE-7M4'), 'latin1');
    expect(bytes.equals(before)).toBe(false);
    expect(bytes.length).toBe(before.length);
    const mtime = new Date(statSync(file).mtimeMs + 5_000);
    await fs.writeFile(file, bytes);
    await fs.utimes(file, mtime, mtime);
    const summary = await scanUntouched();
    expect(summary).toMatchObject({ added: 0, changed: 1, unchanged: 3 });
    const now = byRel(lib.ctx, 'trip/day2/no-exif.jpg')!;
    expect(now.id).toBe(old.id);
    expect(now.content_hash).not.toBe(old.content_hash);
    expect(await lib.service['photos.get']({ id: now.id })).toMatchObject({ cameraModel: 'ILCE-7M4' });
  });

  it('keeps the id and everything attached when a photo is moved', async () => {
    const old = byRel(lib.ctx, 'trip/street.png')!;
    const db = lib.ctx.db;
    db.transaction(() => {
      db.prepare(`INSERT INTO captions (photo_id, text, source, created_at) VALUES (?, 'Rainy street in Sydney', 'user', datetime())`).run(old.id);
      const tag = db.prepare(`INSERT INTO tags (name) VALUES ('rain') RETURNING id`).get() as { id: number };
      db.prepare(`INSERT INTO photo_tags (photo_id, tag_id, source, created_at) VALUES (?, ?, 'ai', datetime())`).run(old.id, tag.id);
      refreshPhotoText(db, [old.id]);
    })();
    await fs.mkdir(path.join(photos, 'sorted'));
    await fs.rename(path.join(photos, 'trip/street.png'), path.join(photos, 'sorted/street-renamed.png'));
    const summary = await scanUntouched();
    expect(summary).toMatchObject({ added: 0, moved: 1, offline: 0, changed: 0 });
    expect(byRel(lib.ctx, 'trip/street.png')).toBeUndefined();
    const moved = byRel(lib.ctx, 'sorted/street-renamed.png')!;
    expect(moved).toMatchObject({ id: old.id, status: 'ok', content_hash: old.content_hash });
    const detail = await lib.service['photos.get']({ id: old.id });
    expect(detail.captions.map((c) => c.text)).toEqual(['Rainy street in Sydney']);
    expect(detail.tags.map((t) => t.name)).toEqual(['rain']);
    const hits = await lib.service['photos.search']({ query: 'rainy', filters: {}, limit: 10 });
    expect(hits.hits.map((h) => h.path)).toEqual([path.join(photos, 'sorted/street-renamed.png')]);
    expect(photoRows(lib.ctx)).toHaveLength(4);
  });

  it('takes a deleted photo offline (never deleting it) and back online when it returns', async () => {
    const beach = byRel(lib.ctx, 'beach.jpg')!;
    await fs.rename(path.join(photos, 'beach.jpg'), path.join(outside, 'beach.jpg'));
    const gone = await scanUntouched();
    expect(gone).toMatchObject({ offline: 1, unchanged: 3 });
    expect(byRel(lib.ctx, 'beach.jpg')).toMatchObject({ id: beach.id, status: 'offline' });
    expect(await lib.service['library.status']({})).toMatchObject({ photos: 4, offline: 1, errors: 0, thumbnails: 4 });
    expect((await lib.service['photos.list']({ limit: 10 })).items.find((p) => p.id === beach.id)?.status).toBe('offline');
    expect(await resolveMedia(lib.ctx, 'photo', beach.id)).toBeNull();
    expect(await resolveMedia(lib.ctx, 'thumb', beach.id)).not.toBeNull();

    await fs.rename(path.join(outside, 'beach.jpg'), path.join(photos, 'beach.jpg'));
    const back = await scanUntouched();
    expect(back).toMatchObject({ restored: 1, added: 0, offline: 0, thumbnails: 0 });
    expect(byRel(lib.ctx, 'beach.jpg')).toMatchObject({ id: beach.id, status: 'ok' });
    expect(photoRows(lib.ctx).every((r) => r.status === 'ok')).toBe(true);
  });

  it('picks up new, changed and removed files while watching, without a rescan', async () => {
    const watcher = watchRoots(lib.ctx, { debounceMs: 100, onError: (e) => console.error('watch error', e) });
    await watcher.ready;
    try {
      const staged = path.join(outside, 'new.jpg');
      await makePhotos(outside, [{ rel: 'new.jpg', seed: 42, exif: { make: 'Apple', model: 'iPhone 15', date: '2024:07:14 09:30:00', offset: '-04:00' } }]);
      const before = await hashTree(photos);
      await fs.rename(staged, path.join(photos, 'trip', 'new.jpg'));
      const row = await waitFor(() => { const r = byRel(lib.ctx, 'trip/new.jpg'); return r?.phash ? r : undefined; }, 15_000, 'the watcher to index trip/new.jpg');
      expect(row.status).toBe('ok');
      expect(await lib.service['photos.get']({ id: row.id })).toMatchObject({ cameraModel: 'iPhone 15', takenAt: '2024-07-14T09:30:00-04:00', hasThumb: true });
      expect((await lib.service['photos.list']({ limit: 1 })).groups).toContainEqual({ month: '2024-07', count: 1 });

      const market = byRel(lib.ctx, 'trip/market.webp')!;
      await pictureOf(80, 120, 4242).webp().toFile(path.join(outside, 'market.webp'));
      await fs.rename(path.join(outside, 'market.webp'), path.join(photos, 'trip', 'market.webp'));
      const changed = await waitFor(() => { const r = byRel(lib.ctx, 'trip/market.webp'); return r && r.content_hash !== market.content_hash && r.phash ? r : undefined; }, 15_000, 'the watcher to re-read trip/market.webp');
      expect(changed.id).toBe(market.id);
      expect(await lib.service['photos.get']({ id: market.id })).toMatchObject({ width: 80, height: 120 });
      before.set(path.join('trip', 'market.webp'), (await hashTree(photos)).get(path.join('trip', 'market.webp'))!);

      await fs.rm(path.join(photos, 'sorted'), { recursive: true });
      await waitFor(() => byRel(lib.ctx, 'sorted/street-renamed.png')?.status === 'offline', 15_000, 'the removed folder to go offline');
      await watcher.idle();
      before.delete(path.join('trip', 'new.jpg'));
      before.delete(path.join('sorted', 'street-renamed.png'));
      const after = await hashTree(photos);
      after.delete(path.join('trip', 'new.jpg'));
      expect(after).toEqual(before);
    } finally {
      await watcher.close();
    }
    expect(existsSync(path.join(photos, 'trip', 'new.jpg'))).toBe(true);
  });

  it('scanRoots and indexPaths agree: a file outside every root is refused, one inside is indexed', async () => {
    const { indexPaths } = await import('../../main/library/indexer');
    await makePhotos(outside, [{ rel: 'stray.jpg', seed: 77 }]);
    const res = await indexPaths(lib.ctx, [path.join(outside, 'stray.jpg'), path.join(photos, 'beach.jpg'), path.join(photos, 'nope.jpg')]);
    expect(res.files.map((f) => [f.status, f.message ?? null])).toEqual([
      ['skipped', 'not inside a library folder'], ['ok', null], ['skipped', 'file not found'],
    ]);
    expect(res.files[1]!.id).toBe(byRel(lib.ctx, 'beach.jpg')!.id);
    const again = await scanRoots(lib.ctx);
    expect(again).toMatchObject({ added: 0, changed: 0, errors: 0 });
  });
});
