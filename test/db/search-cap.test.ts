// Search counts matches exactly up to COUNT_CAP and says "more" beyond it (a broad word over a
// million photos must not count them all); under the cap, and with filters, the count stays exact.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowIso, openDb, type Db } from '../../main/db/connection';
import { refreshPhotoText } from '../../main/db/photo-text';
import { insertRoot } from '../../main/db/roots';
import { searchPhotos } from '../../main/db/search';
import { COUNT_CAP } from '../../shared/types';
import { removeDir, tempDir } from '../library/helpers';

let dir: string;
let db: Db;
const N = COUNT_CAP + 50;

beforeAll(() => {
  dir = tempDir('db-search-cap');
  db = openDb(path.join(dir, 'library.sqlite'));
  const root = insertRoot(db, path.join(dir, 'R')).id;
  const now = nowIso();
  const insert = db.prepare(`INSERT INTO photos (root_id, rel_path, file_name, folder, size, mtime_ms, sort_date, lat, lon, status, created_at, updated_at)
    VALUES (?, ?, ?, 'R', 1, 0, ?, ?, ?, 'ok', ?, ?) RETURNING id`);
  const caption = db.prepare(`INSERT INTO captions (photo_id, text, source, created_at) VALUES (?, ?, 'ai', ?)`);
  db.transaction(() => {
    const ids: number[] = [];
    for (let i = 0; i < N; i++) {
      const gps = i % 100 === 0; // 101 photos with a location
      const { id } = insert.get(root, `p${i}.jpg`, `p${i}.jpg`, new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(),
        gps ? 48 : null, gps ? 2 : null, now, now) as { id: number };
      caption.run(id, i % 2 === 0 ? `boats in the harbour` : `a harbour at night with lanterns`, now);
      ids.push(id);
    }
    refreshPhotoText(db, ids);
  })();
});
afterAll(() => { db?.close(); removeDir(dir); });

describe('search counts', () => {
  it(`stop at ${COUNT_CAP.toLocaleString('en')} and say there are more`, () => {
    const r = searchPhotos(db, { query: 'harbour', filters: {}, limit: 50 });
    expect(r).toMatchObject({ total: COUNT_CAP, totalCapped: true });
    expect(r.hits).toHaveLength(50);
    expect(r.nextCursor).not.toBeNull();
    expect(searchPhotos(db, { query: '', filters: {}, limit: 10 })).toMatchObject({ total: COUNT_CAP, totalCapped: true });
  });

  it('stay exact under the cap, with and without filters', () => {
    expect(searchPhotos(db, { query: 'lanterns', filters: {}, limit: 10 })).toMatchObject({ total: N / 2, totalCapped: false });
    expect(searchPhotos(db, { query: 'harbour', filters: { hasGps: true }, limit: 10 })).toMatchObject({ total: 101, totalCapped: false });
    expect(searchPhotos(db, { query: '', filters: { hasGps: true }, limit: 10 })).toMatchObject({ total: 101, totalCapped: false });
  });
});
