// Search and listing queries on a real SQLite file: FTS5 prefix terms from sanitised input, bm25
// weights favouring captions and tags, filters joined by rowid, paging, and FTS kept in step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { openDb, nowIso, type Db } from '../../main/db/connection';
import { refreshPhotoText } from '../../main/db/photo-text';
import { insertRoot, deleteRoot } from '../../main/db/roots';
import { RANKED_MATCH_LIMIT, searchPhotos } from '../../main/db/search';
import { TEXT_COLUMNS, toFtsQuery } from '../../main/db/fts-query';
import { listPhotos } from '../../main/library/repo';
import { removeDir, tempDir } from '../library/helpers';
import { SCHEMA_VERSION } from '../../main/db/schema';

let dir: string;
let db: Db;
let rootA: number;
let rootB: number;
const ids: Record<string, number> = {};

interface Seed {
  key: string; root: 'A' | 'B'; rel: string; date: string; make?: string; model?: string; lat?: number;
  caption?: string; tags?: string[];
}

const SEEDS: Seed[] = [
  { key: 'beachCaption', root: 'A', rel: '2021/holiday/IMG_1.jpg', date: '2021-07-03T10:00:00', make: 'Canon', model: 'Canon EOS R5', lat: 43.3, caption: 'Children playing on a sandy beach at sunset', tags: ['beach', 'children'] },
  { key: 'beachName', root: 'A', rel: '2021/holiday/beach-walk.jpg', date: '2021-07-04T09:00:00', make: 'Canon', model: 'Canon EOS R5', caption: 'A quiet path through pine trees' },
  { key: 'dog', root: 'A', rel: '2020/dog.png', date: '2020-02-29T23:59:59', make: 'Apple', model: 'iPhone 12', lat: 51.5, caption: 'A brown dog asleep on a sofa', tags: ['dog', 'indoor'] },
  { key: 'sunsetTag', root: 'B', rel: 'scans/old.tif', date: '1999-12-31T12:00:00', tags: ['sunset', 'film'] },
  { key: 'untitled', root: 'B', rel: 'misc/untitled.jpg', date: '2021-07-03T10:00:00' },
];

beforeAll(() => {
  dir = tempDir('db-search');
  db = openDb(path.join(dir, 'library.sqlite'));
  rootA = insertRoot(db, path.join(dir, 'A')).id;
  rootB = insertRoot(db, path.join(dir, 'B')).id;
  const now = nowIso();
  db.transaction(() => {
    for (const s of SEEDS) {
      const folder = `${s.root}/${path.posix.dirname(s.rel)}`;
      const row = db.prepare(`INSERT INTO photos (root_id, rel_path, file_name, folder, size, mtime_ms, taken_at, sort_date,
          camera_make, camera_model, lat, lon, status, created_at, updated_at)
        VALUES (?, ?, ?, ?, 1, 0, ?, ?, ?, ?, ?, ?, 'ok', ?, ?) RETURNING id`)
        .get(s.root === 'A' ? rootA : rootB, s.rel, path.posix.basename(s.rel), folder, s.date, s.date, s.make ?? null, s.model ?? null,
          s.lat ?? null, s.lat === undefined ? null : 1, now, now) as { id: number };
      ids[s.key] = row.id;
      if (s.caption) db.prepare(`INSERT INTO captions (photo_id, text, source, created_at) VALUES (?, ?, 'ai', ?)`).run(row.id, s.caption, now);
      for (const t of s.tags ?? []) {
        db.prepare('INSERT INTO tags (name) VALUES (?) ON CONFLICT(name) DO NOTHING').run(t);
        const tag = db.prepare('SELECT id FROM tags WHERE name = ?').get(t) as { id: number };
        db.prepare(`INSERT INTO photo_tags (photo_id, tag_id, source, created_at) VALUES (?, ?, 'ai', ?)`).run(row.id, tag.id, now);
      }
      refreshPhotoText(db, [row.id]);
    }
  })();
});

afterAll(() => { db.close(); removeDir(dir); });

const search = (query: string, filters = {}, limit = 50, cursor?: string) => searchPhotos(db, { query, filters, limit, cursor });
const hitKeys = (r: ReturnType<typeof search>) => r.hits.map((h) => Object.entries(ids).find(([, id]) => id === h.id)![0]);

describe('FTS query sanitising', () => {
  it('turns every word into a quoted prefix term and drops FTS syntax', () => {
    expect(toFtsQuery('sunset bea')).toBe('("sunset"* AND "bea"*)');
    expect(toFtsQuery('he said "NEAR(a b)" OR x* -y col:z'))
      .toBe('("he"* AND "said"* AND "NEAR"* AND "a"* AND "b"* AND "OR"* AND "x"* AND "y"* AND "col"* AND "z"*)');
    // A word that could reach a facet word (main/db/facets.ts), or whose folding is not certain, keeps to the text columns.
    expect(toFtsQuery('sunset Lan')).toBe(`${TEXT_COLUMNS} : ("sunset"* AND "Lan"*)`);
    expect(toFtsQuery('  "*()^:  ')).toBeNull();
    expect(toFtsQuery('Été 写真')).toBe(`${TEXT_COLUMNS} : ("Été"* AND "写真"*)`);
  });

  it('never lets user input break the query', () => {
    for (const q of ['"', 'AND', 'NOT', '*', 'a OR', 'NEAR(', '^x', "'; DROP TABLE photos; --", 'x"y']) {
      expect(() => search(q), q).not.toThrow();
    }
    expect(search("'; DROP TABLE photos; --").hits).toEqual([]);
    expect((db.prepare('SELECT count(*) AS n FROM photos').get() as { n: number }).n).toBe(SEEDS.length);
  });
});

describe('search', () => {
  it('matches words by prefix across caption, tags, file name, folder and camera', () => {
    expect(hitKeys(search('sun'))).toEqual(expect.arrayContaining(['beachCaption', 'sunsetTag']));
    expect(hitKeys(search('iphone'))).toEqual(['dog']);
    expect(hitKeys(search('holiday'))).toEqual(expect.arrayContaining(['beachCaption', 'beachName']));
    expect(hitKeys(search('scans'))).toEqual(['sunsetTag']);
    expect(hitKeys(search('brown sofa'))).toEqual(['dog']);
    expect(hitKeys(search('brown beach'))).toEqual([]);
  });

  it('ranks caption and tag matches above file-name matches', () => {
    const r = search('beach');
    expect(hitKeys(r)).toEqual(['beachCaption', 'beachName']);
    expect(r.hits[0]!.score).toBeGreaterThan(r.hits[1]!.score);
    expect(r.hits[0]).toMatchObject({ camera: 'Canon EOS R5', caption: 'Children playing on a sandy beach at sunset', tags: ['beach', 'children'], takenAt: '2021-07-03T10:00:00' });
    expect(r.hits[0]!.path).toBe(path.join(dir, 'A', '2021', 'holiday', 'IMG_1.jpg'));
  });

  it('applies filters with or without a query', () => {
    expect(hitKeys(search('', { tag: 'DOG' }))).toEqual(['dog']);
    expect(hitKeys(search('', { camera: 'canon' }))).toEqual(['beachName', 'beachCaption']);
    expect(hitKeys(search('beach', { hasGps: true }))).toEqual(['beachCaption']);
    expect(hitKeys(search('', { hasGps: false })).sort()).toEqual(['beachName', 'sunsetTag', 'untitled'].sort());
    expect(hitKeys(search('', { from: '2021-07-03', to: '2021-07-03' })).sort()).toEqual(['beachCaption', 'untitled'].sort());
    expect(hitKeys(search('', { to: '2000-01-01' }))).toEqual(['sunsetTag']);
    expect(hitKeys(search('', { from: '2020-02-29', to: '2020-02-29' }))).toEqual(['dog']);
    expect(hitKeys(search('', { folder: 'holiday' })).sort()).toEqual(['beachCaption', 'beachName'].sort());
    expect(hitKeys(search('', { folder: path.join(dir, 'B') })).sort()).toEqual(['sunsetTag', 'untitled'].sort());
    expect(hitKeys(search('', { folder: path.join(dir, 'A', '2020') }))).toEqual(['dog']);
    expect(hitKeys(search('', { folder: path.join(dir, 'nowhere') }))).toEqual([]);
    expect(hitKeys(search('sun', { folder: '100%_' }))).toEqual([]);
  });

  it('pages a query by rank and an empty query newest first, with totals', () => {
    const p1 = search('', {}, 2);
    expect(p1.total).toBe(5);
    const p2 = search('', {}, 2, p1.nextCursor!);
    const p3 = search('', {}, 2, p2.nextCursor!);
    expect(p3.nextCursor).toBeNull();
    expect([...hitKeys(p1), ...hitKeys(p2), ...hitKeys(p3)]).toEqual(['beachName', 'untitled', 'beachCaption', 'dog', 'sunsetTag']);
    const q1 = search('a', {}, 1);
    const q2 = search('a', {}, 1, q1.nextCursor!);
    expect(q1.total).toBe(q2.total);
    expect(q1.hits[0]!.id).not.toBe(q2.hits[0]!.id);
    expect(() => search('a', {}, 1, p1.nextCursor!)).toThrow(/cursor/);
  });
});

describe('listing and consistency', () => {
  it('groups the whole library by month, newest first', () => {
    const page = listPhotos(db, { limit: 2 });
    expect(page.groups).toEqual([
      { month: '2021-07', count: 3 }, { month: '2020-02', count: 1 }, { month: '1999-12', count: 1 },
    ]);
    expect(page.total).toBe(5);
    expect(page.items.map((p) => p.month)).toEqual(['2021-07', '2021-07']);
  });

  it('keeps the FTS index in step when a root and its photos are removed', () => {
    db.transaction(() => deleteRoot(db, rootB))();
    expect(() => db.exec(`INSERT INTO photos_fts(photos_fts) VALUES ('integrity-check')`)).not.toThrow();
    expect(hitKeys(search('sunset'))).toEqual(['beachCaption']);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('refuses a database written by a newer version', () => {
    const file = path.join(dir, 'future.sqlite');
    const future = openDb(file);
    future.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    future.close();
    expect(() => openDb(file)).toThrow(expect.objectContaining({ kind: 'unsupported', message: expect.stringMatching(/newer SmolAlbum/) }));
  });
});

describe('broad queries over a big library', () => {
  let bigDir: string;
  let big: Db;
  const N = RANKED_MATCH_LIMIT + 400;

  beforeAll(() => {
    bigDir = tempDir('db-search-big');
    big = openDb(path.join(bigDir, 'library.sqlite'));
    const root = insertRoot(big, path.join(bigDir, 'R')).id;
    const now = nowIso();
    const insert = big.prepare(`INSERT INTO photos (root_id, rel_path, file_name, folder, size, mtime_ms, sort_date, status, created_at, updated_at)
      VALUES (?, ?, ?, 'R', 1, 0, ?, 'ok', ?, ?) RETURNING id`);
    const caption = big.prepare(`INSERT INTO captions (photo_id, text, source, created_at) VALUES (?, ?, 'ai', ?)`);
    big.transaction(() => {
      for (let i = 0; i < N; i++) {
        // Every 4th photo has "harbour" in its caption; the others only in the file name.
        const inCaption = i % 4 === 0;
        const date = new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString();
        const { id } = insert.get(root, `p${i}.jpg`, inCaption ? `p${i}.jpg` : `harbour-${i}.jpg`, date, now, now) as { id: number };
        caption.run(id, inCaption ? `boats in the harbour ${i}` : `a field ${i}`, now);
        refreshPhotoText(big, [id]);
      }
    })();
  });
  afterAll(() => { big.close(); removeDir(bigDir); });

  it('orders caption hits before file-name hits, newest first, and pages through every match once', () => {
    const seen = new Set<number>();
    const tiers: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = searchPhotos(big, { query: 'harb', filters: {}, limit: 500, cursor });
      expect(r.total).toBe(N);
      for (const h of r.hits) { expect(seen.has(h.id)).toBe(false); seen.add(h.id); tiers.push(h.score); }
      if (pages === 0) {
        expect(r.hits[0]!.caption).toMatch(/harbour/);
        expect(r.hits).toHaveLength(500);
      }
      cursor = r.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(seen.size).toBe(N);
    // All caption hits (score 1) come before every file-name hit (score 0).
    const firstNameHit = tiers.indexOf(0);
    expect(firstNameHit).toBe(Math.ceil(N / 4));
    expect(tiers.slice(firstNameHit).every((s) => s === 0)).toBe(true);
  });

  it('newest first within a tier', () => {
    const r = searchPhotos(big, { query: 'harbour', filters: {}, limit: 20 });
    const ids = r.hits.map((h) => h.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it('narrow queries keep bm25 ranking', () => {
    const r = searchPhotos(big, { query: 'boats harbour 12', filters: {}, limit: 5 });
    expect(r.total).toBeLessThanOrEqual(RANKED_MATCH_LIMIT);
    expect(r.hits[0]!.score).toBeGreaterThan(0);
    expect(r.hits[0]!.score).not.toBe(1);
  });
});
