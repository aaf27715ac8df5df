// Hostile and unusual input: each bad file gets a clear error on its photo and the scan goes on;
// folder-level problems are reported without losing what the library knew.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promises as fs, unlinkSync } from 'node:fs';
import path from 'node:path';
import { hashTree, makePhotos, pngBomb } from '../support/photos';
import { byRel, openLibrary, photoRows, removeDir, tempDir, type TestLibrary } from './helpers';
import { spawnWithoutDacOverride } from '../support/unprivileged';
import { invoke } from '../../main/service/invoke';

const CLI = ['--import', 'tsx', 'main/cli/index.ts'];
const LONG_NAME = `${'a-very-long-file-name-'.repeat(9)}🌅.jpg`;

let lib: TestLibrary;
let photos: string;
let removable: string;
let originals: Map<string, string>;

beforeAll(async () => {
  const tmp = tempDir('bad-input');
  await fs.chmod(tmp, 0o755);
  photos = path.join(tmp, 'Photos');
  removable = path.join(tmp, 'Removable');
  const [good] = await makePhotos(photos, [
    { rel: 'good.jpg', seed: 1 },
    { rel: 'café/été 🌅.jpg', seed: 2 },
    { rel: 'Ünïcödé 写真.png', format: 'png', seed: 3 },
    { rel: LONG_NAME, seed: 4 },
    { rel: 'locked/inside.jpg', seed: 5 },
    { rel: 'vanishing.jpg', seed: 6 },
    { rel: 'really-a-png.jpg', format: 'png', seed: 7 },
    { rel: 'sub/deeper/ok.webp', format: 'webp', seed: 8 },
  ]);
  await makePhotos(removable, [{ rel: 'usb-1.jpg', seed: 20 }, { rel: 'usb-2.jpg', seed: 21 }]);
  const jpeg = await fs.readFile(good!);
  await fs.writeFile(path.join(photos, 'zero.jpg'), Buffer.alloc(0));
  await fs.writeFile(path.join(photos, 'truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length * 0.4)));
  await fs.writeFile(path.join(photos, 'text.jpg'), 'This is a shopping list, not a photo.\n');
  await fs.writeFile(path.join(photos, 'bomb.png'), pngBomb(30000, 30000));
  await fs.writeFile(path.join(photos, 'IMG_0001'), jpeg); // no extension: content decides
  await fs.writeFile(path.join(photos, 'README'), 'no extension, not an image');
  // Symlinks: a loop, a way out of the root, a link to a file inside it. None is followed.
  await fs.symlink('..', path.join(photos, 'sub', 'loop'));
  await fs.symlink(removable, path.join(photos, 'escape'));
  await fs.symlink(path.join(photos, 'good.jpg'), path.join(photos, 'link-to-good.jpg'));
  await fs.symlink(path.join(photos, 'nowhere.jpg'), path.join(photos, 'dangling.jpg'));
  originals = await hashTree(tmp);
  lib = openLibrary(tmp);
  await lib.service['roots.add']({ path: photos, scan: false });
  await lib.service['roots.add']({ path: removable, scan: false });
});

afterAll(async () => {
  await lib?.close();
  await fs.chmod(path.join(photos, 'locked'), 0o755).catch(() => {});
  removeDir(lib.tmp);
});

describe('bad input', { timeout: 120_000 }, () => {
  it('records a clear error on each bad file and indexes everything else', async () => {
    // "Deleted between walk and read": the file goes away right after discovery, before it is read.
    let removed = false;
    const off = lib.ctx.events.on('library.progress', (p) => {
      if (p.stage === 'discover' && p.etaMs === 0 && !removed) { unlinkSync(path.join(photos, 'vanishing.jpg')); removed = true; }
    });
    const summary = await lib.service['library.rescan']({});
    off();
    expect(removed).toBe(true);
    const err = (rel: string) => byRel(lib.ctx, rel)?.error;
    expect(err('zero.jpg')).toBe('empty file (0 bytes)');
    // A truncated JPEG gives the pixels it has: shown, marked damaged with the decoder's warning.
    expect(byRel(lib.ctx, 'truncated.jpg')).toMatchObject({ status: 'damaged' });
    expect(err('truncated.jpg')).toMatch(/premature end|corrupt|damaged or incomplete/i);
    expect(err('text.jpg')).toBe('a text file, although it is named .jpg');
    expect(err('bomb.png')).toBe('image is 30000×30000 (900 megapixels), over the 250-megapixel limit: refused as a possible decompression bomb');
    for (const rel of ['zero.jpg', 'text.jpg', 'bomb.png']) expect(byRel(lib.ctx, rel)?.status).toBe('error');
    expect(byRel(lib.ctx, 'vanishing.jpg')).toMatchObject({ status: 'offline', error: 'the file disappeared before it could be read' });

    const ok = photoRows(lib.ctx).filter((r) => r.status === 'ok').map((r) => r.rel_path).sort();
    expect(ok).toEqual([
      'IMG_0001', LONG_NAME, 'café/été 🌅.jpg', 'good.jpg', 'locked/inside.jpg', 'really-a-png.jpg', 'sub/deeper/ok.webp', 'usb-1.jpg', 'usb-2.jpg', 'Ünïcödé 写真.png',
    ].sort());
    expect(summary).toMatchObject({ errors: 3, issues: [] });
    // Content, not the name, decides the format.
    const fmt = (rel: string) => (lib.ctx.db.prepare('SELECT format FROM photos WHERE rel_path = ?').get(rel) as { format: string }).format;
    expect([fmt('really-a-png.jpg'), fmt('IMG_0001')]).toEqual(['png', 'jpeg']);
    // Nothing reached through a symlink, nothing for clutter without an image inside.
    expect(photoRows(lib.ctx).filter((r) => /loop|escape|link-to|dangling|README/.test(r.rel_path))).toEqual([]);
  });

  it('handles unicode, emoji and very long names end to end', async () => {
    const photo = byRel(lib.ctx, LONG_NAME)!;
    expect(Buffer.byteLength(path.basename(LONG_NAME))).toBeGreaterThan(200);
    const detail = await lib.service['photos.get']({ id: photo.id });
    expect(detail.path).toBe(path.join(photos, LONG_NAME));
    expect(detail.hasThumb).toBe(true);
    const ete = await lib.service['photos.search']({ query: 'ete', filters: {}, limit: 10 });
    expect(ete.hits.map((h) => h.path)).toEqual([path.join(photos, 'café/été 🌅.jpg')]);
    const cjk = await lib.service['photos.search']({ query: '写真', filters: {}, limit: 10 });
    expect(cjk.hits.map((h) => h.path)).toEqual([path.join(photos, 'Ünïcödé 写真.png')]);
    const folder = await lib.service['photos.search']({ query: '', filters: { folder: 'café' }, limit: 10 });
    expect(folder.hits).toHaveLength(1);
  });

  it('does not retry unchanged broken files on every scan', async () => {
    const changes = () => (lib.ctx.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    const before = changes();
    const again = await lib.service['library.rescan']({});
    expect(again).toMatchObject({ added: 0, changed: 0, errors: 0, thumbnails: 0 });
    expect(changes()).toBe(before);
  });

  it('takes the photos of a root that disappears offline, and back when it returns', async () => {
    const ids = photoRows(lib.ctx).filter((r) => r.rel_path.startsWith('usb-')).map((r) => r.id);
    await fs.rename(removable, `${removable}-unplugged`);
    const gone = await lib.service['library.rescan']({});
    expect(gone.issues).toEqual([{ path: removable, message: 'library folder unavailable: not found' }]);
    expect(gone.offline).toBe(2);
    expect(photoRows(lib.ctx).filter((r) => ids.includes(r.id)).map((r) => r.status)).toEqual(['offline', 'offline']);
    expect(byRel(lib.ctx, 'good.jpg')?.status).toBe('ok');
    await fs.rename(`${removable}-unplugged`, removable);
    const back = await lib.service['library.rescan']({});
    expect(back).toMatchObject({ restored: 2, issues: [] });
    expect(photoRows(lib.ctx).filter((r) => ids.includes(r.id)).map((r) => r.status)).toEqual(['ok', 'ok']);
  });

  it('reports an unreadable folder and keeps the photos it knew there', async () => {
    const locked = path.join(photos, 'locked');
    const known = byRel(lib.ctx, 'locked/inside.jpg')!;
    await lib.close();
    await fs.chmod(locked, 0o000);
    // root reads any folder: the scan runs without the capabilities that bypass permission bits.
    const res = spawnWithoutDacOverride(process.execPath, [...CLI, 'index', photos, '--data-dir', lib.ctx.paths.root, '--json', '--no-ai'], {
      cwd: process.cwd(), encoding: 'utf8', timeout: 60_000,
    });
    await fs.chmod(locked, 0o755);
    expect(res.stderr).not.toMatch(/Error/);
    expect(res.status).toBe(0);
    const summary = JSON.parse(res.stdout);
    expect(summary.issues).toEqual([{ path: locked, message: 'folder skipped: permission denied' }]);
    lib = openLibrary(lib.tmp);
    expect(byRel(lib.ctx, 'locked/inside.jpg')).toMatchObject({ id: known.id, status: 'ok' });
  });

  it('rejects invalid contract input through zod with a readable message', async () => {
    const svc = lib.service;
    await expect(invoke(svc, 'photos.search', { query: 'x', limit: 0 })).rejects.toThrow('Invalid input for photos.search: limit: Too small: expected number to be >=1');
    await expect(invoke(svc, 'photos.search', { filters: { from: '2021/01/01' } })).rejects.toThrow('filters.from: expected a date as YYYY-MM-DD');
    await expect(invoke(svc, 'photos.search', { filters: { color: 'red' } })).rejects.toThrow(/filters: Unrecognized key: "color"/);
    await expect(invoke(svc, 'roots.add', { path: '' })).rejects.toThrow('Invalid input for roots.add: path: path is empty');
    await expect(invoke(svc, 'photos.get', { id: -1 })).rejects.toThrow(/id: Too small/);
    await expect(invoke(svc, 'roots.add', { path: 'relative/dir' })).rejects.toThrow('Folder path must be absolute: "relative/dir"');
    await expect(invoke(svc, 'roots.add', { path: path.join(photos, 'sub') })).rejects.toThrow(/already in the library, inside the folder/);
    await expect(invoke(svc, 'roots.add', { path: path.join(lib.tmp, 'missing') })).rejects.toThrow(/Cannot add .*: not found/);
    await expect(invoke(svc, 'photos.get', { id: 999_999 })).rejects.toThrow('No photo #999999');
  });

  it('never wrote to an original', async () => {
    const now = await hashTree(lib.tmp);
    for (const [rel, sha] of originals) {
      if (rel === path.join('Photos', 'vanishing.jpg')) continue; // deleted by the test itself
      expect(now.get(rel), rel).toBe(sha);
    }
  });
});
