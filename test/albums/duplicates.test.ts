// Possible duplicates by perceptual-hash Hamming distance: exact groups, brute-force agreement on
// random hashes, the contract method over a hand-inserted library, and copies indexed for real.
import { afterAll, describe, expect, it } from 'vitest';
import { duplicateIdGroups, hamming, parsePhash } from '../../main/albums/duplicates';
import { createService } from '../../main/service/index';
import { insertPhoto, insertRoot, tempContext } from './fixture';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { addRoot } from '../../main/library/roots';
import { scanRoots } from '../../main/library/indexer';
import { dHash, thumbFiles } from '../../main/library/thumbs';
import { makePhotos } from '../support/photos';

/** Flip `bits` distinct bits of a 16-hex-digit hash. */
function flip(hex: string, bits: number[]): string {
  let v = BigInt(`0x${hex}`);
  for (const b of bits) v ^= 1n << BigInt(b);
  return v.toString(16).padStart(16, '0');
}

function rng(seed: number) {
  return () => { seed = (seed * 1664525 + 1013904223) >>> 0; return seed / 2 ** 32; };
}

describe('hamming distance', () => {
  it('counts differing bits across both halves', () => {
    const a = parsePhash('0000000000000000')!;
    expect(hamming(a, parsePhash('ffffffffffffffff')!)).toBe(64);
    expect(hamming(a, parsePhash(flip('0000000000000000', [0, 31, 32, 63]))!)).toBe(4);
    expect(parsePhash('xyz')).toBeNull();
  });
});

describe('grouping', () => {
  it('agrees with brute force on random hashes with planted near-duplicates', () => {
    const rand = rng(42);
    const rows: { id: number; phash: string }[] = [];
    let id = 1;
    for (let i = 0; i < 300; i++) {
      const base = Array.from({ length: 16 }, () => Math.floor(rand() * 16).toString(16)).join('');
      rows.push({ id: id++, phash: base });
      if (i % 10 === 0) rows.push({ id: id++, phash: flip(base, [Math.floor(rand() * 64), Math.floor(rand() * 64)]) });
      if (i % 25 === 0) rows.push({ id: id++, phash: base });
    }
    for (const d of [0, 3, 6, 10]) {
      const groups = duplicateIdGroups(rows, d);
      // Brute force: connected components over pairs within d.
      const parent = new Map(rows.map((r) => [r.id, r.id]));
      const find = (x: number): number => (parent.get(x) === x ? x : find(parent.get(x)!));
      for (let i = 0; i < rows.length; i++) {
        for (let j = i + 1; j < rows.length; j++) {
          if (hamming(parsePhash(rows[i]!.phash)!, parsePhash(rows[j]!.phash)!) <= d) parent.set(find(rows[j]!.id), find(rows[i]!.id));
        }
      }
      const expected = new Map<number, number[]>();
      for (const r of rows) expected.set(find(r.id), [...(expected.get(find(r.id)) ?? []), r.id]);
      const want = [...expected.values()].filter((g) => g.length > 1).map((g) => g.sort((a, b) => a - b).join(',')).sort();
      expect(groups.map((g) => g.ids.join(',')).sort()).toEqual(want);
      expect(want.length).toBeGreaterThan(0);
    }
  });
});

describe('photos.duplicates', () => {
  const { ctx } = tempContext();
  afterAll(() => ctx.close());
  it('groups near-identical photos of the library, skipping offline ones', async () => {
    const root = insertRoot(ctx.db, '/lib');
    const h = 'a5a5f00f1234beef';
    const a = insertPhoto(ctx.db, root, { relPath: 'a.jpg', phash: h });
    const b = insertPhoto(ctx.db, root, { relPath: 'b.jpg', phash: flip(h, [1, 40, 60]) });
    insertPhoto(ctx.db, root, { relPath: 'c.jpg', phash: flip(h, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) });
    insertPhoto(ctx.db, root, { relPath: 'd.jpg', phash: h, status: 'offline' });
    insertPhoto(ctx.db, root, { relPath: 'e.jpg', phash: null });
    const service = createService(ctx);
    const groups = await service['photos.duplicates']({ maxDistance: 6 });
    expect(groups).toHaveLength(1);
    expect(groups[0]!.distance).toBe(3);
    expect(groups[0]!.photos.map((p) => p.id)).toEqual([a, b]);
    expect(groups[0]!.photos[0]!.path).toBe('/lib/a.jpg');
    expect(await service['photos.duplicates']({ maxDistance: 2 })).toEqual([]);
  });
});

describe('copies of one photo', () => {
  const { ctx } = tempContext();
  afterAll(() => ctx.close());
  it('get the perceptual hash of the first, not one made again from the cached grid, and group at distance 0', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'smolalbum-copies-'));
    const originals = await makePhotos(path.join(dir, 'a'), Array.from({ length: 6 }, (_, i) => ({ rel: `p${i}.jpg`, seed: 100 + i, width: 640, height: 480 })));
    await addRoot(ctx.db, dir);
    await scanRoots(ctx);
    // The copies arrive later: their grid thumbnails are found in the cache.
    mkdirSync(path.join(dir, 'b'));
    for (const f of originals) copyFileSync(f, path.join(dir, 'b', path.basename(f)));
    const summary = await scanRoots(ctx);
    expect(summary.added).toBe(6);
    const rows = ctx.db.prepare('SELECT rel_path, content_hash, phash FROM photos').all() as { rel_path: string; content_hash: string; phash: string }[];
    const byRel = new Map(rows.map((r) => [r.rel_path, r]));
    let drifts = 0;
    for (let i = 0; i < 6; i++) {
      const a = byRel.get(`a/p${i}.jpg`)!;
      const b = byRel.get(`b/p${i}.jpg`)!;
      expect(b.content_hash).toBe(a.content_hash);
      expect(b.phash).toBe(a.phash);
      // What the cached path computes on its own: for some of these pictures it is not the same.
      if (await dHash(sharp(thumbFiles(ctx.paths.thumbs, a.content_hash).grid)) !== a.phash) drifts++;
    }
    expect(drifts).toBeGreaterThan(0);
    const groups = await createService(ctx)['photos.duplicates']({ maxDistance: 0 });
    expect(groups.map((g) => g.photos.length)).toEqual([2, 2, 2, 2, 2, 2]);
    rmSync(dir, { recursive: true, force: true });
  });
});
