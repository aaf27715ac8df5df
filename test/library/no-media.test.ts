// Folders marked with a .nomedia file (Android's convention) are no part of the library — the scan,
// indexPaths and the watcher leave them out — and SmolAlbum marks its own data folder so, so a data
// folder inside a library folder never has its thumbnails indexed (each of which made a thumbnail
// of its own, indexed by the next scan or at once by the watcher).
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { addRoot } from '../../main/library/roots';
import { indexPaths, scanRoots } from '../../main/library/indexer';
import { watchRoots } from '../../main/library/watcher';
import { NO_MEDIA_MARKER, noMediaFolder } from '../../main/media/walk';
import { thumbFiles } from '../../main/library/thumbs';
import { makePhotos } from '../support/photos';
import { byRel, openLibrary, photoRows, removeDir, tempDir, waitFor } from './helpers';

describe('.nomedia folders', () => {
  const tmp = tempDir('nomedia');
  const photos = path.join(tmp, 'Pictures');
  // The data folder inside the library folder, not hidden.
  const lib = openLibrary(tmp, path.join(photos, 'SmolAlbum data'));
  afterAll(async () => { await lib.close(); removeDir(tmp); });

  it('the data folder is marked, and its thumbnails are never indexed, by a scan, indexPaths or the watcher', async () => {
    expect(existsSync(path.join(lib.ctx.paths.root, NO_MEDIA_MARKER))).toBe(true);
    await makePhotos(photos, [{ rel: 'a.jpg', seed: 1 }, { rel: 'trip/b.jpg', seed: 2 }]);
    await addRoot(lib.ctx.db, photos);
    expect(await scanRoots(lib.ctx)).toMatchObject({ added: 2, errors: 0 });
    expect(await scanRoots(lib.ctx)).toMatchObject({ added: 0, changed: 0 });
    const grid = thumbFiles(lib.ctx.paths.thumbs, byRel(lib.ctx, 'a.jpg')!.content_hash!).grid;
    expect(existsSync(grid)).toBe(true);
    const res = await indexPaths(lib.ctx, [grid]);
    expect(res.files[0]).toMatchObject({ status: 'skipped', message: `in a folder marked .nomedia (${lib.ctx.paths.root})` });
    const seen: string[] = [];
    const watcher = watchRoots(lib.ctx, { debounceMs: 50, onBatch: (r) => seen.push(...r.files.map((f) => f.path)), onError: (e) => console.error('watch error', e) });
    await watcher.ready;
    try {
      // A thumbnail written while watching, and a photo beside it to show the watcher is at work.
      await makePhotos(lib.ctx.paths.thumbs, [{ rel: 'copy.jpg', seed: 5 }]);
      await makePhotos(photos, [{ rel: 'c.jpg', seed: 3 }]);
      await waitFor(() => byRel(lib.ctx, 'c.jpg')?.phash, 15_000, 'the watcher to index c.jpg');
      await watcher.idle();
    } finally {
      await watcher.close();
    }
    expect(photoRows(lib.ctx).map((r) => r.rel_path)).toEqual(['a.jpg', 'c.jpg', 'trip/b.jpg']);
    // The watcher does not even look in there (the database's own writes, the new thumbnails).
    expect(seen).toContain(path.join(photos, 'c.jpg'));
    expect(seen.filter((f) => f.startsWith(lib.ctx.paths.root + path.sep))).toEqual([]);
  });

  it('a folder marked later: its photos go offline (kept in the library) and come back when the marker goes', async () => {
    const marker = path.join(photos, 'trip', NO_MEDIA_MARKER);
    writeFileSync(marker, '');
    expect(noMediaFolder(photos, 'trip/b.jpg')).toBe('trip');
    expect(noMediaFolder(photos, 'a.jpg')).toBeNull();
    expect(await scanRoots(lib.ctx)).toMatchObject({ offline: 1 });
    expect(byRel(lib.ctx, 'trip/b.jpg')!.status).toBe('offline');
    await makePhotos(photos, [{ rel: 'trip/deeper/d.jpg', seed: 4 }]);
    const res = await indexPaths(lib.ctx, [path.join(photos, 'trip', 'deeper', 'd.jpg')]);
    expect(res.files[0]).toMatchObject({ status: 'skipped', message: `in a folder marked .nomedia (${path.join(photos, 'trip')})` });
    removeDir(marker);
    await scanRoots(lib.ctx);
    expect(byRel(lib.ctx, 'trip/b.jpg')!.status).toBe('ok');
    expect(byRel(lib.ctx, 'trip/deeper/d.jpg')!.status).toBe('ok');
  });
});
