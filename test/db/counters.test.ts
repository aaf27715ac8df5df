// library.status reads counters kept by triggers instead of counting rows. After every kind of real
// write — a scan, a thumbnail redone, AI jobs queued/claimed/finished/failed, files going offline, a
// damaged file, a folder removed (cascades) — the stored counters must equal a recount.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimNext, completeJob, enqueueMissing, retryOrFail } from '../../main/ai/queue';
import { recountCounters, storedCounters } from '../../main/db/counters';
import { libraryCounts } from '../../main/library/repo';
import { addUserTags, removeTags, saveXmpMetadata } from '../../main/ai/provenance';
import { autoAlbums } from '../../main/albums/auto-albums';
import { openDb, type Db } from '../../main/db/connection';
import { migrations } from '../../main/db/schema';
import Database from 'better-sqlite3';
import { makePhotos } from '../support/photos';
import { openLibrary, removeDir, tempDir, type TestLibrary } from '../library/helpers';

let tmp: string;
let lib: TestLibrary;
let photosDir: string;

beforeAll(async () => {
  tmp = tempDir('counters');
  photosDir = path.join(tmp, 'photos');
  await makePhotos(photosDir, Array.from({ length: 8 }, (_, i) => ({ rel: `${i < 4 ? 'a' : 'b'}/p${i}.jpg`, seed: i + 1 })));
  writeFileSync(path.join(photosDir, 'a', 'broken.jpg'), 'not a photo');
  lib = openLibrary(tmp);
});
afterAll(async () => {
  await lib?.close();
  removeDir(tmp);
});

const expectConsistent = () => {
  expect(storedCounters(lib.ctx.db)).toEqual(recountCounters(lib.ctx.db));
};

describe('status counters kept by the writes', () => {
  it('follow a scan, with a damaged file', async () => {
    const root = await lib.service['roots.add']({ path: photosDir, scan: false });
    await lib.service['library.rescan']({ rootId: root.id });
    expectConsistent();
    const c = libraryCounts(lib.ctx.db);
    expect(c.photos).toBe(9);
    expect(c.errors).toBe(1);
    expect(c.thumbnails).toBe(8);
  });

  it('follow the AI queue: queued, running, done, failed', () => {
    const db = lib.ctx.db;
    expect(enqueueMissing(db)).toBeGreaterThan(0);
    expectConsistent();
    const first = claimNext(db)!;
    expectConsistent();
    expect(libraryCounts(db).ai.running).toBe(1);
    completeJob(db, first, { caption: 'a test photo', tags: ['test'], model: 'm', prompt: 'p' });
    const second = claimNext(db)!;
    retryOrFail(db, second, 'broken', false);
    expectConsistent();
    const ai = libraryCounts(db).ai;
    expect(ai.done).toBe(1);
    expect(ai.failed).toBe(1);
  });

  it('count a photo once per tag whatever the sources that gave it', () => {
    const db = lib.ctx.db;
    const tagged = (db.prepare(`SELECT photo_id AS id FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id WHERE t.name = 'test'`).get() as { id: number }).id;
    const tagCount = () => (db.prepare(`SELECT n FROM counters WHERE name = 'tag:' || (SELECT id FROM tags WHERE name = 'test')`).get() as { n: number }).n;
    expect(tagCount()).toBe(1);
    addUserTags(db, tagged, ['test', 'kept']);
    saveXmpMetadata(db, tagged, { description: null, keywords: ['test'] });
    expect(tagCount()).toBe(1); // three sources, one photo
    expectConsistent();
    saveXmpMetadata(db, tagged, { description: null, keywords: [] });
    expect(tagCount()).toBe(1);
    removeTags(db, tagged, ['test']); // every source's row at once
    expect(tagCount()).toBe(0);
    expectConsistent();
    const others = (db.prepare(`SELECT id FROM photos WHERE status = 'ok' AND id <> ? ORDER BY id`).all(tagged) as { id: number }[]).map((r) => r.id);
    for (const [i, id] of others.entries()) addUserTags(db, id, i % 2 ? ['kept'] : ['kept', 'even']);
    expectConsistent();
    // A row moved to another tag (nothing in the app does it yet; the trigger keeps the counts anyway).
    const tagOf = (name: string) => (db.prepare('SELECT id FROM tags WHERE name = ?').get(name) as { id: number }).id;
    const move = db.prepare(`UPDATE photo_tags SET tag_id = ? WHERE photo_id = ? AND tag_id = ? AND source = 'user'`);
    expect(move.run(tagOf('test'), others[1], tagOf('kept')).changes).toBe(1);
    expectConsistent();
    move.run(tagOf('kept'), others[1], tagOf('test'));
    expectConsistent();
  });

  it('give the auto albums the counts and covers that grouping every row gives', () => {
    const db = lib.ctx.db;
    // Photos across three years and four months (a new date moves a photo between month counters).
    const ids = (db.prepare(`SELECT id FROM photos ORDER BY id`).all() as { id: number }[]).map((r) => r.id);
    const dates = ['2019-03-02T10:00:00', '2019-03-09T10:00:00', '2019-08-01T10:00:00', '2021-12-31T23:00:00'];
    for (const [i, id] of ids.slice(0, dates.length).entries()) db.prepare('UPDATE photos SET sort_date = ? WHERE id = ?').run(dates[i], id);
    expectConsistent();
    const auto = autoAlbums(db);
    expect(auto.map((a) => a.id)).toEqual(expect.arrayContaining(['year:2019', 'month:2019-03', 'month:2019-08', 'year:2021']));
    expect(auto.find((a) => a.id === 'year:2019')).toMatchObject({ count: 3, coverId: ids[2] });
    expect(auto.map((a) => [a.id, a.count, a.coverId])).toEqual(groupedAutoAlbums(db));
    expect(autoAlbums(db).find((a) => a.id === 'tag:kept')?.count).toBe(8);
  });

  it('follow files going offline and a folder being removed (cascades)', async () => {
    rmSync(path.join(photosDir, 'b'), { recursive: true });
    await lib.service['library.rescan']({});
    expectConsistent();
    expect(libraryCounts(lib.ctx.db).offline).toBe(4);
    const [root] = await lib.service['roots.list']({});
    await lib.service['roots.remove']({ id: root!.id });
    expectConsistent();
    expect(libraryCounts(lib.ctx.db)).toMatchObject({ photos: 0, thumbnails: 0, ai: { done: 0, queued: 0, running: 0, failed: 0 } });
  });
});

/** The auto albums' [id, count, cover] as a grouping of every photo and tag row gives them (what the counters replace). */
function groupedAutoAlbums(db: Db): [string, number, number][] {
  const q = (sql: string) => (db.prepare(sql).all() as { key: string; count: number; cover: number }[]).map((r): [string, number, number] => [r.key, r.count, r.cover]);
  return [
    ...q(`SELECT 'tag:' || t.name AS key, count(DISTINCT pt.photo_id) AS count, max(pt.photo_id) AS cover
      FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id GROUP BY t.id ORDER BY count DESC, t.name COLLATE NOCASE LIMIT 12`),
    ...q(`SELECT 'year:' || substr(sort_date, 1, 4) AS key, count(*) AS count, max(id) AS cover FROM photos GROUP BY substr(sort_date, 1, 4) ORDER BY key DESC`),
    ...q(`SELECT 'month:' || substr(sort_date, 1, 7) AS key, count(*) AS count, max(id) AS cover FROM photos GROUP BY substr(sort_date, 1, 7) ORDER BY key DESC`),
  ];
}

describe('a library made before the tag counters', () => {
  it('gets them, counting its tags as they are, and keeps them from then on', () => {
    const file = path.join(tmp, 'v1.sqlite');
    const v1 = new Database(file);
    migrations[0]!(v1);
    v1.pragma('user_version = 1');
    const now = '2024-01-01T00:00:00Z';
    v1.prepare(`INSERT INTO roots (id, path, added_at) VALUES (1, '/old', ?)`).run(now);
    const photo = v1.prepare(`INSERT INTO photos (root_id, rel_path, file_name, folder, size, mtime_ms, sort_date, status, created_at, updated_at)
      VALUES (1, ?, ?, '', 1, 0, ?, 'ok', ?, ?) RETURNING id`);
    const ids = [0, 1, 2].map((i) => (photo.get(`p${i}.jpg`, `p${i}.jpg`, `2020-0${i + 1}-01T00:00:00`, now, now) as { id: number }).id);
    const [dog, cat] = ['dog', 'cat'].map((name) => Number(v1.prepare('INSERT INTO tags (name) VALUES (?)').run(name).lastInsertRowid));
    const tag = v1.prepare(`INSERT INTO photo_tags (photo_id, tag_id, source, created_at) VALUES (?, ?, ?, ?)`);
    for (const id of ids) tag.run(id, dog, 'ai', now);
    tag.run(ids[0], dog, 'user', now);
    tag.run(ids[1], cat, 'xmp', now);
    v1.close();
    const db = openDb(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      expect(storedCounters(db)).toEqual(recountCounters(db));
      expect(storedCounters(db)).toMatchObject({ [`tag:${dog}`]: 3, [`tag:${cat}`]: 1 });
      db.prepare('DELETE FROM photo_tags WHERE photo_id = ? AND source = ?').run(ids[0], 'ai');
      db.prepare('DELETE FROM photos WHERE id = ?').run(ids[1]);
      expect(storedCounters(db)).toEqual(recountCounters(db));
      expect(storedCounters(db)).toMatchObject({ [`tag:${dog}`]: 2 });
      expect(autoAlbums(db).filter((a) => String(a.id).startsWith('tag:')).map((a) => [a.id, a.count])).toEqual([['tag:dog', 2]]);
    } finally {
      db.close();
    }
  });
});
