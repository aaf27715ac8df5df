// The full-text index keyed by timeline position (main/db/timeline-key.ts) and typed prefixes spelled
// out as the library's words (main/db/fts-terms.ts): broad searches page newest first exactly as the
// timeline orders photos, a new date moves a photo's place, and expansion never changes what matches.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowIso, openDb, type Db } from '../../main/db/connection';
import { refreshPhotoText } from '../../main/db/photo-text';
import { insertRoot } from '../../main/db/roots';
import { RANKED_MATCH_LIMIT, searchPhotos } from '../../main/db/search';
import { indexStamp, libraryTerms, vocabularyLookups } from '../../main/db/fts-terms';
import { toFtsQuery } from '../../main/db/fts-query';
import { photoIdOfKey } from '../../main/db/timeline-key';
import { removeDir, tempDir } from '../library/helpers';
import { addCaptionedPhotos } from './captioned-photos';

let dir: string;
let db: Db;
const N = RANKED_MATCH_LIMIT * 3;
const WORDS = ['snow', 'snowy', 'snowfall', 'snowman', 'sunset', 'café', 'Café'];

beforeAll(() => {
  dir = tempDir('db-timeline-search');
  db = openDb(path.join(dir, 'library.sqlite'));
  const root = insertRoot(db, path.join(dir, 'R')).id;
  // Dates out of id order, many photos sharing one second, and a few dates SQLite cannot read.
  addCaptionedPhotos(db, root, Array.from({ length: N }, (_, i) => ({
    fileName: `p${i}.jpg`,
    sortDate: i % 97 === 0 ? 'not a date' : new Date(Date.UTC(2015, 0, 1) + ((i * 7919) % 1000) * 3_600_000).toISOString().slice(0, 19),
    caption: `a walk in the ${WORDS[i % WORDS.length]} with friends`,
  })));
});
afterAll(() => { db?.close(); removeDir(dir); });

/** Photos whose caption matches, in the timeline's order (sort_date DESC, id DESC), readable dates only. */
const timeline = (where: string) => (db.prepare(`SELECT p.id FROM photos p JOIN captions c ON c.photo_id = p.id
  WHERE ${where} AND unixepoch(p.sort_date) IS NOT NULL ORDER BY p.sort_date DESC, p.id DESC`).all() as { id: number }[]).map((r) => r.id);

function allPages(query: string, limit: number): number[] {
  const out: number[] = [];
  let cursor: string | undefined;
  for (;;) {
    const r = searchPhotos(db, { query, filters: {}, limit, cursor });
    out.push(...r.hits.map((h) => h.id));
    if (!r.nextCursor) return out;
    cursor = r.nextCursor;
  }
}

describe('search in timeline order', () => {
  it('pages a broad word newest first, exactly as the timeline orders its photos, none twice or lost', () => {
    const found = allPages('snow', 70);
    const expected = timeline(`c.text LIKE '%snow%'`);
    expect(found.length).toBeGreaterThan(RANKED_MATCH_LIMIT);
    // Unreadable dates sort as the oldest: after every readable one.
    expect(found.slice(0, expected.length)).toEqual(expected);
    expect(new Set(found).size).toBe(found.length);
    expect(found.length).toBe((db.prepare(`SELECT count(*) AS n FROM captions WHERE text LIKE '%snow%'`).get() as { n: number }).n);
  });

  it('a new date moves a photo to its new place, and the index stays whole', () => {
    // 'walk' is in every caption: a broad search, listed newest first.
    const oldest = timeline('1').at(-1)!;
    expect(searchPhotos(db, { query: 'walk', filters: {}, limit: 5 }).hits[0]!.id).not.toBe(oldest);
    db.prepare(`UPDATE photos SET sort_date = '2099-01-01T00:00:00' WHERE id = ?`).run(oldest);
    expect(searchPhotos(db, { query: 'walk', filters: {}, limit: 5 }).hits[0]!.id).toBe(oldest);
    const newest = db.prepare(`SELECT ${photoIdOfKey('rowid')} AS id FROM photos_fts WHERE photos_fts MATCH 'walk' ORDER BY rowid DESC LIMIT 1`).get() as { id: number };
    expect(newest.id).toBe(oldest);
    expect(() => db.exec(`INSERT INTO photos_fts(photos_fts) VALUES ('integrity-check')`)).not.toThrow();
  });
});

describe('typed prefixes as the library\'s words', () => {
  const matches = (expr: string) => (db.prepare(`SELECT rowid FROM photos_fts WHERE photos_fts MATCH ? ORDER BY rowid`).all(expr) as { rowid: number }[]).map((r) => r.rowid);

  it('spells a prefix out as the words that start with it, and matches exactly what the prefix does', () => {
    const term = libraryTerms(db);
    expect(term('snow')).toBe('("snow" OR "snowfall" OR "snowman" OR "snowy")');
    expect(term('SNOWM')).toBe('"snowman"');
    for (const typed of ['snow', 'SNOWM', 'snowy wal', 'snow walk', 'walk snow snowm', 'sunset friends', 'café', 'cafe', 'nothinglikeit', 'sn', 'walk in']) {
      expect(matches(toFtsQuery(typed, term)!), typed).toEqual(matches(toFtsQuery(typed)!));
    }
  });

  it('leaves short prefixes (the prefix index has them), accented words and unknown words to FTS5 as they are', () => {
    const term = libraryTerms(db);
    expect(term('sno')).toBe('"sno"*');
    expect(term('café')).toBe('"café"*');
    expect(term('nothinglikeit')).toBe('"nothinglikeit"');
  });

  it('spells a prefix out afresh once the library has new words, written here or by another connection', () => {
    const addCaption = (conn: Db, text: string) => conn.transaction(() => {
      const id = (conn.prepare(`SELECT min(id) AS id FROM photos`).get() as { id: number }).id;
      conn.prepare(`INSERT INTO captions (photo_id, text, source, created_at) VALUES (?, ?, 'user', ?)
        ON CONFLICT (photo_id, source) DO UPDATE SET text = excluded.text`).run(id, text, nowIso());
      refreshPhotoText(conn, [id]);
    })();
    expect(libraryTerms(db)('snowm')).toBe('"snowman"');
    addCaption(db, 'a snowmobile');
    expect(libraryTerms(db)('snowm')).toBe('("snowman" OR "snowmobile")');
    const other = openDb(path.join(dir, 'library.sqlite'));
    try { addCaption(other, 'snowmelt'); } finally { other.close(); }
    expect(libraryTerms(db)('snowm')).toBe('("snowman" OR "snowmelt")');
    expect(searchPhotos(db, { query: 'snowme', filters: {}, limit: 10 }).total).toBe(1);
  });

  it("remembers expansions until the index itself changes: not for an album, a rating or a setting; inside a transaction it spells afresh", () => {
    const id = (db.prepare(`SELECT max(id) AS id FROM photos`).get() as { id: number }).id;
    const before = indexStamp(db);
    expect(before).toEqual(expect.any(String));
    db.prepare(`INSERT INTO albums (name, kind, created_at) VALUES ('kept', 'manual', ?)`).run(nowIso());
    db.prepare('UPDATE photos SET rating = 4 WHERE id = ?').run(id);
    db.prepare(`INSERT INTO settings (key, value_json) VALUES ('ui.test', '1') ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json`).run();
    expect(indexStamp(db)).toBe(before);
    // A search (in its own read snapshot) uses the words remembered before those writes.
    searchPhotos(db, { query: 'snowf walk', filters: {}, limit: 5 });
    const looked = vocabularyLookups(db);
    db.prepare(`INSERT INTO albums (name, kind, created_at) VALUES ('kept too', 'manual', ?)`).run(nowIso());
    expect(searchPhotos(db, { query: 'snowf walk', filters: {}, limit: 5 }).total).toBeGreaterThan(0);
    expect(vocabularyLookups(db)).toBe(looked);
    // A new size moves the photo's orientation word (a trigger rewrites its facets): the index changed.
    db.prepare('UPDATE photos SET width = 40, height = 30 WHERE id = ?').run(id);
    db.prepare('UPDATE photos SET width = 30, height = 40 WHERE id = ?').run(id);
    const after = indexStamp(db);
    expect(after).not.toBe(before);
    expect(libraryTerms(db)('snowb')).toBe('"snowb"');
    expect(() => db.transaction(() => {
      const c = (db.prepare(`SELECT min(id) AS id FROM photos`).get() as { id: number }).id;
      db.prepare(`INSERT INTO captions (photo_id, text, source, created_at) VALUES (?, 'a snowboard', 'user', ?)
        ON CONFLICT (photo_id, source) DO UPDATE SET text = excluded.text`).run(c, nowIso());
      refreshPhotoText(db, [c]);
      expect(indexStamp(db)).toBeNull();
      expect(libraryTerms(db)('snowb')).toBe('"snowboard"'); // the transaction's own word
      throw new Error('rolled back');
    })()).toThrow('rolled back');
    // Rolled back: the index is as it was, and nothing spelled out inside the transaction was kept.
    expect(indexStamp(db)).toBe(after);
    expect(libraryTerms(db)('snowb')).toBe('"snowb"');
  });

  it('keeps a prefix that stands for too many words a prefix', () => {
    db.transaction(() => {
      const id = (db.prepare(`SELECT max(id) AS id FROM photos`).get() as { id: number }).id;
      db.prepare(`INSERT INTO captions (photo_id, text, source, created_at) VALUES (?, ?, 'user', ?)`)
        .run(id, Array.from({ length: 40 }, (_, i) => `walkway${i}`).join(' '), nowIso());
      refreshPhotoText(db, [id]);
    })();
    const term = libraryTerms(db);
    expect(term('walkw')).toBe('"walkw"*');
    expect(searchPhotos(db, { query: 'walkway3', filters: {}, limit: 10 }).total).toBe(1);
  });
});
