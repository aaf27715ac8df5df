// Ratings, favourites and labels (issue 10, item 6) on real files: a rating the file carries
// (xmp:Rating, digiKam ColorLabel/PickLabel, written by exiftool) is imported; a person's rating set
// through the contract beats it, survives rescans of a changed file, filters searches, drives smart
// albums, reaches the CLI, and is exported to XMP sidecars that exiftool reads back.
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashTree, makePhotos } from '../support/photos';
import { openLibrary, removeDir, tempDir, type TestLibrary } from './helpers';
import { AppError } from '../../shared/errors';

let tmp: string;
let folder: string;
let lib: TestLibrary;
const ids: Record<string, number> = {};
let originals: Map<string, string>;

const exiftool = (...args: string[]) => execFileSync('exiftool', args, { encoding: 'utf8' });
const readBack = (file: string) => (JSON.parse(exiftool('-j', '-n', '-XMP-xmp:Rating', '-XMP-xmp:Label', '-XMP-dc:Title', file)) as Record<string, unknown>[])[0]!;

beforeAll(async () => {
  tmp = tempDir('ratings');
  folder = path.join(tmp, 'Photos');
  const date = (d: number) => ({ date: `2024:05:0${d} 10:00:00`, make: 'Canon', model: 'EOS R6' });
  await makePhotos(folder, [
    { rel: 'rated4.jpg', seed: 1, exif: date(1) },
    { rel: 'digikam.jpg', seed: 2, exif: date(2) },
    { rel: 'plain.jpg', seed: 3, exif: date(3) },
    { rel: 'other.png', format: 'png', seed: 4 },
  ]);
  // What Lightroom / digiKam leave in files.
  exiftool('-overwrite_original', '-q', '-XMP-xmp:Rating=4', '-XMP-xmp:Label=Red', path.join(folder, 'rated4.jpg'));
  exiftool('-overwrite_original', '-q', '-XMP-digiKam:ColorLabel=3', '-XMP-digiKam:PickLabel=3', '-XMP-xmp:Rating=2', path.join(folder, 'digikam.jpg'));
  originals = await hashTree(folder);
  lib = openLibrary(tmp);
  await lib.service['roots.add']({ path: folder, scan: false });
  await lib.service['library.rescan']({});
  for (const r of lib.ctx.db.prepare('SELECT id, rel_path FROM photos').all() as { id: number; rel_path: string }[]) ids[r.rel_path.replace(/\.\w+$/, '')] = r.id;
}, 120_000);
afterAll(async () => {
  await lib?.close();
  if (tmp) removeDir(tmp);
});

const search = async (filters: Record<string, unknown>) =>
  (await lib.service['photos.search']({ query: '', filters, limit: 100 })).hits.map((h) => h.id).sort((a, b) => a - b);
const sorted = (...names: string[]) => names.map((n) => ids[n]!).sort((a, b) => a - b);

describe('ratings from files', () => {
  it('imports a file carrying xmp:Rating=4 as 4 stars, with its label', async () => {
    const p = await lib.service['photos.get']({ id: ids.rated4! });
    expect([p.rating, p.ratingSource, p.label, p.favourite]).toEqual([4, 'xmp', 'Red', false]);
  });

  it("reads digiKam's colour and pick labels", async () => {
    const p = await lib.service['photos.get']({ id: ids.digikam! });
    expect([p.rating, p.label, p.pick]).toEqual([2, 'Yellow', 'accepted']);
    const plain = await lib.service['photos.get']({ id: ids.plain! });
    expect([plain.rating, plain.ratingSource, plain.label, plain.pick]).toEqual([0, null, null, null]);
  });
});

describe('a person rates', () => {
  it('sets stars and favourites through the contract; the person beats the file', async () => {
    const out = await lib.service['photos.rate']({ ids: [ids.plain!, ids.other!], rating: 5 });
    expect(out.map((r) => r.rating)).toEqual([5, 5]);
    await lib.service['photos.rate']({ ids: [ids.rated4!], rating: 1, favourite: true });
    const p = await lib.service['photos.get']({ id: ids.rated4! });
    expect([p.rating, p.ratingSource, p.favourite, p.label]).toEqual([1, 'user', true, 'Red']);
    // The grid's summaries carry the effective values.
    const page = await lib.service['photos.list']({ limit: 100 });
    expect(page.items.find((i) => i.id === ids.rated4)).toMatchObject({ rating: 1, favourite: true });
  });

  it('refuses a rating outside 0–5 and unknown photos, clearly', async () => {
    const { invoke } = await import('../../main/service/invoke');
    await expect(invoke(lib.service, 'photos.rate', { ids: [ids.plain!], rating: 6 })).rejects.toThrow(/rating is 0–5 stars/);
    await expect(invoke(lib.service, 'photos.rate', { ids: [ids.plain!] })).rejects.toThrow(/give a rating or a favourite flag/);
    await expect(lib.service['photos.rate']({ ids: [999_999], rating: 3 })).rejects.toBeInstanceOf(AppError);
  });

  it('filters searches by rating, favourite and label', async () => {
    expect(await search({ minRating: 5 })).toEqual(sorted('plain', 'other'));
    expect(await search({ minRating: 2 })).toEqual(sorted('plain', 'other', 'digikam'));
    expect(await search({ favourite: true })).toEqual(sorted('rated4'));
    expect(await search({ label: 'yellow' })).toEqual(sorted('digikam'));
  });

  it('drives smart-album rules: rating ≥ N, favourite, label', async () => {
    const matching = async (rule: unknown) => {
      const album = await lib.service['albums.create']({ name: `r${Math.random()}`, rule: rule as never });
      const page = await lib.service['albums.photos']({ id: album.id, limit: 100 });
      return page.items.map((i) => i.id).sort((a, b) => a - b);
    };
    expect(await matching({ op: 'and', items: [{ kind: 'rating', value: 2 }] })).toEqual(sorted('plain', 'other', 'digikam'));
    expect(await matching({ op: 'or', items: [{ kind: 'favourite', value: true }, { kind: 'label', value: 'YELLOW' }] })).toEqual(sorted('rated4', 'digikam'));
    expect(await matching({ op: 'and', items: [{ kind: 'favourite', value: false }, { kind: 'rating', value: 5 }] })).toEqual(sorted('plain', 'other'));
  });

  it('keeps the rating across a rescan of a changed file, and withdrawing it shows the file again', async () => {
    const file = path.join(folder, 'rated4.jpg');
    exiftool('-overwrite_original', '-q', '-XMP-xmp:Rating=3', file);
    const stat = await fs.stat(file);
    await fs.utimes(file, stat.atime, new Date(stat.mtimeMs + 5000));
    const summary = await lib.service['library.rescan']({});
    expect(summary.changed).toBe(1);
    let p = await lib.service['photos.get']({ id: ids.rated4! });
    expect([p.rating, p.ratingSource, p.favourite]).toEqual([1, 'user', true]);
    await lib.service['photos.rate']({ ids: [ids.rated4!], rating: null });
    p = await lib.service['photos.get']({ id: ids.rated4! });
    expect([p.rating, p.ratingSource, p.favourite]).toEqual([3, 'xmp', true]);
    originals = await hashTree(folder);
  });
});

describe('damaged files', () => {
  it('the damaged rule kind selects photos marked damaged', async () => {
    // The indexer marks files it could only partly decode 'damaged'; here one photo is marked directly.
    lib.ctx.db.prepare(`UPDATE photos SET status = 'damaged' WHERE id = ?`).run(ids.other!);
    try {
      const album = await lib.service['albums.create']({ name: 'damaged', rule: { op: 'and', items: [{ kind: 'damaged', value: true }] } });
      expect((await lib.service['albums.photos']({ id: album.id, limit: 100 })).items.map((i) => i.id)).toEqual([ids.other]);
      const healthy = await lib.service['albums.create']({ name: 'healthy', rule: { op: 'and', items: [{ kind: 'damaged', value: false }] } });
      expect((await lib.service['albums.photos']({ id: healthy.id, limit: 100 })).items.map((i) => i.id).sort((a, b) => a - b)).toEqual(sorted('rated4', 'digikam', 'plain'));
    } finally {
      lib.ctx.db.prepare(`UPDATE photos SET status = 'ok' WHERE id = ?`).run(ids.other!);
    }
  });
});

describe('export and CLI', () => {
  it('export --xmp writes xmp:Rating and xmp:Label, merged into an existing sidecar; exiftool reads them back', async () => {
    // An existing sidecar from another tool: its own fields stay.
    exiftool('-q', '-o', path.join(folder, 'digikam.jpg.xmp'), '-XMP-dc:Title=From digiKam', '-XMP-xmp:Rating=1', path.join(folder, 'digikam.jpg'));
    const summary = await lib.service['export.run']({ kind: 'xmp', txtFormat: 'caption', overwrite: false });
    expect(summary.errors).toEqual([]);
    expect(readBack(path.join(folder, 'rated4.jpg.xmp'))).toMatchObject({ Rating: 3, Label: 'Red' });
    expect(readBack(path.join(folder, 'plain.jpg.xmp'))).toMatchObject({ Rating: 5 });
    expect(readBack(path.join(folder, 'digikam.jpg.xmp'))).toMatchObject({ Rating: 2, Label: 'Yellow', Title: 'From digiKam' });
    // The photos themselves are untouched.
    const now = await hashTree(folder);
    for (const [rel, hash] of originals) if (!rel.endsWith('.xmp')) expect(now.get(rel), rel).toBe(hash);
  });

  it('`edit PHOTO --rating N --favourite / --no-favourite` sets them from the command line', async () => {
    const dataDir = path.join(tmp, 'data');
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', ...args, '--data-dir', dataDir, '--json'],
      { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 });
    await lib.close();
    const file = path.join(folder, 'digikam.jpg');
    let res = cli('edit', file, '--rating', '4', '--favourite');
    expect(res.status, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)[0]).toMatchObject({ rating: 4, favourite: true, ratingSource: 'user' });
    res = cli('edit', file, '--no-favourite');
    expect(JSON.parse(res.stdout)[0]).toMatchObject({ rating: 4, favourite: false });
    res = cli('edit', file, '--rating', '9');
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/0–5/);
    lib = openLibrary(tmp);
  });
});
