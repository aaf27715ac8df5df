// Camera RAW (issue 10): a TIFF-structured RAW-like file built here, with a JPEG preview in a SubIFD
// and metadata written by ExifTool, is shown through its preview turned by the RAW's orientation,
// with its metadata kept; originals stay byte-identical.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { hashTree } from '../support/photos';
import { writeRawLike } from '../support/raw-like';
import { byRel, openLibrary, removeDir, tempDir, type TestLibrary } from './helpers';
import { thumbFiles } from '../../main/library/thumbs';
import { enqueueMissing } from '../../main/ai/queue';
import { problemOf } from '../../renderer/src/views/tile-problem';

let lib: TestLibrary;
let photos: string;
let originals: Map<string, string>;

describe('camera RAW', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    const tmp = tempDir('raw');
    photos = path.join(tmp, 'photos');
    await fs.mkdir(photos, { recursive: true });
    // 120×80 preview, its left third blue: after orientation 6 (90° clockwise) the blue is on top.
    const preview = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#c04020' } })
      .composite([{ input: { create: { width: 40, height: 80, channels: 3, background: '#2040c0' } }, left: 0, top: 0 }]).jpeg().toBuffer();
    writeRawLike(path.join(photos, 'shot.dng'), preview);
    writeRawLike(path.join(photos, 'bare.dng'), null);
    // RAW+JPEG as a camera writes them: one photo, the JPEG shown and captioned.
    writeRawLike(path.join(photos, 'IMG_0007.DNG'), preview);
    await sharp({ create: { width: 120, height: 80, channels: 3, background: '#208040' } }).jpeg().toFile(path.join(photos, 'IMG_0007.JPG'));
    execFileSync('exiftool', ['-q', '-overwrite_original', '-Make=Canon', '-Model=Test RAW', '-DateTimeOriginal=2021:06:01 12:34:56', '-Orientation#=6',
      path.join(photos, 'shot.dng'), path.join(photos, 'bare.dng')]);
    originals = await hashTree(photos);
    lib = openLibrary(tmp);
    await lib.service['roots.add']({ path: photos, scan: false });
    await lib.service['library.rescan']({});
  }, 180_000);

  afterAll(async () => {
    await lib?.close();
    if (lib) removeDir(lib.tmp);
  });

  it('shows the embedded preview turned by the RAW\'s orientation, and keeps the RAW\'s metadata', async () => {
    expect(byRel(lib.ctx, 'shot.dng')).toMatchObject({ status: 'ok', error: null });
    const row = lib.ctx.db.prepare(`SELECT format, content_hash, camera_make, camera_model, taken_at FROM photos WHERE rel_path = 'shot.dng'`).get() as
      { format: string; content_hash: string; camera_make: string; camera_model: string; taken_at: string };
    expect(row).toMatchObject({ format: 'dng', camera_make: 'Canon', camera_model: 'Test RAW', taken_at: '2021-06-01T12:34:56' });
    const grid = thumbFiles(lib.ctx.paths.thumbs, row.content_hash).grid;
    const { data, info } = await sharp(grid).raw().toBuffer({ resolveWithObject: true });
    expect(info.height).toBeGreaterThan(info.width); // 80×120 upright
    const px = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    const [r, , b] = px(Math.floor(info.width / 2), 5);
    expect(b).toBeGreaterThan(r!); // blue on top
    const [r2, , b2] = px(Math.floor(info.width / 2), info.height - 5);
    expect(r2).toBeGreaterThan(b2!); // red below
  });

  it('a RAW without a preview is a photo of the library with its metadata and a placeholder that says why — not an error', async () => {
    const row = lib.ctx.db.prepare(`SELECT id, status, error, camera_make, taken_at FROM photos WHERE rel_path = 'bare.dng'`).get() as
      { id: number; status: string; error: string; camera_make: string; taken_at: string };
    expect(row).toMatchObject({ status: 'ok', camera_make: 'Canon', taken_at: '2021-06-01T12:34:56' });
    expect(row.error).toMatch(/no usable embedded preview/);
    const summary = (await lib.service['photos.list']({ limit: 50 })).items.find((p) => p.id === row.id)!;
    expect(summary).toMatchObject({ hasThumb: false, status: 'ok' });
    expect(problemOf(summary.status, summary.error)).toBe('nopreview');
    // Nothing to caption, and nothing to read again: the next scan leaves it alone.
    enqueueMissing(lib.ctx.db);
    expect(lib.ctx.db.prepare('SELECT count(*) AS n FROM jobs WHERE photo_id = ?').get(row.id)).toEqual({ n: 0 });
    expect(await lib.service['library.rescan']({})).toMatchObject({ changed: 0, errors: 0, thumbnails: 0 });
  });

  it('a RAW+JPEG pair is one photo: the JPEG in the grid with a badge, the RAW listed in its detail, only the JPEG captioned', async () => {
    const list = await lib.service['photos.list']({ limit: 50 });
    const names = list.items.map((p) => p.relPath);
    expect(names).toContain('IMG_0007.JPG');
    expect(names).not.toContain('IMG_0007.DNG');
    expect(names).toEqual(expect.arrayContaining(['shot.dng', 'bare.dng'])); // RAWs without a JPEG stay items
    const jpeg = list.items.find((p) => p.relPath === 'IMG_0007.JPG')!;
    expect(jpeg.rawPair).toBe(true);
    expect(list.items.find((p) => p.relPath === 'shot.dng')!.rawPair).toBe(false);
    const detail = await lib.service['photos.get']({ id: jpeg.id });
    expect(detail.rawFile).toMatchObject({ path: path.join(photos, 'IMG_0007.DNG'), format: 'dng' });
    expect(list.groups.reduce((n, g) => n + g.count, 0)).toBe(list.items.length);
    enqueueMissing(lib.ctx.db);
    const queued = (lib.ctx.db.prepare(`SELECT p.rel_path FROM jobs j JOIN photos p ON p.id = j.photo_id WHERE j.state = 'queued'`).all() as { rel_path: string }[])
      .map((r) => r.rel_path);
    expect(queued).toContain('IMG_0007.JPG');
    expect(queued).not.toContain('IMG_0007.DNG');
    // Search finds the pair once, through its JPEG: by name, and in a filter-only listing.
    const found = await lib.service['photos.search']({ query: 'IMG_0007', filters: {}, limit: 50 });
    expect(found.hits.map((h) => path.basename(h.path))).toEqual(['IMG_0007.JPG']);
    const listed = await lib.service['photos.search']({ query: '', filters: { folder: photos }, limit: 50 });
    expect(listed.hits.map((h) => path.basename(h.path))).not.toContain('IMG_0007.DNG');
    expect(listed.hits.map((h) => path.basename(h.path))).toContain('IMG_0007.JPG');
  });

  it('leaves the originals byte-identical', async () => {
    expect(await hashTree(photos)).toEqual(originals);
  });
});
