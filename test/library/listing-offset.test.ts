// photos.list by position (a jump deep into the grid): a page at any offset is exactly the slice of
// the newest-first listing that paging through with cursors reaches, across month boundaries; and
// the month groups come from the trigger-kept counters, equal to a recount.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../main/db/connection';
import { listPhotos } from '../../main/library/repo';
import { removeDir, tempDir } from './helpers';

let dir: string;
let db: Db;
const COUNT = 1500;

beforeAll(() => {
  dir = tempDir('listing-offset');
  db = openDb(path.join(dir, 'library.sqlite'));
  const root = Number(db.prepare(`INSERT INTO roots (path, added_at) VALUES ('/p', 'now')`).run().lastInsertRowid);
  const insert = db.prepare(`INSERT INTO photos (root_id, rel_path, file_name, folder, size, mtime_ms, sort_date, created_at, updated_at)
    VALUES (?, ?, ?, '', 1, 0, ?, 'now', 'now')`);
  db.transaction(() => {
    for (let i = 0; i < COUNT; i++) {
      // Uneven months (some photos share a timestamp, so the id breaks ties) over ~4 years.
      const day = Math.floor((i * i) / 1500);
      const date = new Date(Date.UTC(2020, 0, 1) + day * 86_400_000).toISOString().slice(0, 19);
      insert.run(root, `p${i}.jpg`, `p${i}.jpg`, date);
    }
  })();
});
afterAll(() => {
  db?.close();
  removeDir(dir);
});

describe('photos.list by position', () => {
  it('gives the same photos as paging through with cursors, at any offset', () => {
    const all: number[] = [];
    let cursor: string | undefined;
    do {
      const page = listPhotos(db, { cursor, limit: 200 });
      all.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(all).toHaveLength(COUNT);
    const groups = listPhotos(db, { limit: 1 }).groups!;
    let start = 0;
    const monthStarts = groups.map((g) => { const s = start; start += g.count; return s; });
    for (const offset of [0, 1, 199, 777, 1234, COUNT - 1, ...monthStarts, ...monthStarts.map((s) => s - 1).filter((s) => s >= 0)]) {
      const page = listPhotos(db, { offset, limit: 50 });
      expect(page.items.map((p) => p.id), `offset ${offset}`).toEqual(all.slice(offset, offset + 50));
      expect(page.total).toBe(COUNT);
    }
    expect(listPhotos(db, { offset: COUNT + 5, limit: 50 }).items).toEqual([]);
  });

  it('continues from an offset page with its cursor', () => {
    const first = listPhotos(db, { offset: 1000, limit: 100 });
    const next = listPhotos(db, { cursor: first.nextCursor!, limit: 100 });
    const direct = listPhotos(db, { offset: 1100, limit: 100 });
    expect(next.items.map((p) => p.id)).toEqual(direct.items.map((p) => p.id));
  });

  it('takes its month groups from the counters, equal to a recount', () => {
    const recount = db.prepare(`SELECT substr(sort_date, 1, 7) AS month, count(*) AS count FROM photos GROUP BY month ORDER BY month DESC`).all();
    expect(listPhotos(db, { limit: 1 }).groups).toEqual(recount);
  });
});
