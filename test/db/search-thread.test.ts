// photos.search on a worker thread (main/db/search-reader.ts), as web mode and the desktop app run
// it: the same answers as on the caller's thread, including pages and errors; it sees writes as
// soon as they are committed; it comes back after the thread dies; the event loop is free meanwhile.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, useNativeBinding, type Db } from '../../main/db/connection';
import { insertRoot } from '../../main/db/roots';
import { searchPhotos } from '../../main/db/search';
import { threadSearchReader, type SearchReader } from '../../main/db/search-reader';
import { removeDir, tempDir } from '../library/helpers';
import { addCaptionedPhotos } from './captioned-photos';
import { albumPhotos, createAlbum } from '../../main/albums/album-repo';
import { COUNT_CAP } from '../../shared/types';

let dir: string;
let db: Db;
let reader: SearchReader;
const WORDS = ['harbour', 'lantern', 'mountain', 'market', 'bicycle'];

function addPhotos(from: number, count: number): void {
  const root = (db.prepare('SELECT id FROM roots').get() as { id: number }).id;
  addCaptionedPhotos(db, root, Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return { fileName: `p${i}.jpg`, sortDate: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(),
      caption: `a ${WORDS[i % WORDS.length]} with a ${WORDS[(i * 7) % WORDS.length]} number${i}` };
  }));
}

beforeAll(() => {
  dir = tempDir('db-search-thread');
  db = openDb(path.join(dir, 'library.sqlite'));
  insertRoot(db, path.join(dir, 'R'));
  addPhotos(0, 3000);
  reader = threadSearchReader(path.join(dir, 'library.sqlite'));
});
afterAll(async () => { await reader?.close(); db?.close(); removeDir(dir); });

describe('the search thread', () => {
  it('answers exactly as a search on this thread, page after page', async () => {
    for (const query of ['harbour', 'lantern market', 'mou', 'number12', '']) {
      let cursor: string | undefined;
      for (let page = 0; page < 3; page++) {
        const opts = { query, filters: {}, limit: 40, cursor };
        const [there, here] = [await reader.search(opts), searchPhotos(db, opts)];
        expect(there).toEqual(here);
        if (!here.nextCursor) break;
        cursor = here.nextCursor;
      }
    }
  });

  it("counts a smart album's photos there while the page is read here: the same answer as all on this thread", async () => {
    const word = createAlbum(db, 'harbour', { op: 'and', items: [{ kind: 'text', value: 'harb' }] });
    const either = createAlbum(db, 'either', { op: 'or', items: [{ kind: 'text', value: 'lantern' }, { kind: 'year', value: 2020 }] });
    for (const id of [word.id as number, either.id as number]) {
      const here = await albumPhotos(db, id, { limit: 50 });
      const split = await albumPhotos(db, id, { limit: 50 }, (q) => reader.count(q));
      expect(split).toEqual(here);
      expect(here.total).toBeGreaterThan(50);
    }
    // 3000 photos, all in 2020: the count stops at the cap on both threads.
    expect((await albumPhotos(db, either.id as number, { limit: 1 }, (q) => reader.count(q))).total).toBe(Math.min(3000, COUNT_CAP));
    // The thread's count is what the answer reports (not one made here).
    expect((await albumPhotos(db, word.id as number, { limit: 1 }, async () => 7)).total).toBe(7);
    await expect(reader.count({ sql: 'SELECT count(*) AS n FROM no_such_table', params: [] })).rejects.toMatchObject({ kind: 'internal' });
    // A page that fails is the error reported, and the count's own answer is not left unhandled.
    await expect(albumPhotos(db, word.id as number, { limit: 5, cursor: 'not-a-cursor' }, (q) => reader.count(q))).rejects.toMatchObject({ kind: 'input' });
  });

  it('keeps the error kind of a bad request', async () => {
    await expect(reader.search({ query: 'harbour', filters: {}, limit: 10, cursor: 'not-a-cursor' })).rejects.toMatchObject({ kind: 'input' });
  });

  it('sees photos as soon as their transaction commits', async () => {
    expect((await reader.search({ query: 'number3100', filters: {}, limit: 10 })).total).toBe(0);
    addPhotos(3100, 1);
    expect((await reader.search({ query: 'number3100', filters: {}, limit: 10 })).hits.map((h) => h.path)).toEqual([path.join(dir, 'R', 'p3100.jpg')]);
  });

  it('loads the SQLite addon the app chose (the desktop app ships only its Electron build)', async () => {
    const missing = path.join(dir, 'no-such-addon.node');
    useNativeBinding(missing);
    const other = threadSearchReader(path.join(dir, 'library.sqlite'));
    try {
      await expect(other.search({ query: 'harbour', filters: {}, limit: 5 })).rejects.toThrow(/search thread failed.*no-such-addon/);
    } finally {
      useNativeBinding(undefined);
      await other.close();
    }
  });

  it('leaves the event loop free while it searches, and starts again after close', async () => {
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 1);
    const many = Array.from({ length: 40 }, (_, i) => reader.search({ query: WORDS[i % WORDS.length]!.slice(0, 2), filters: {}, limit: 100 }));
    const results = await Promise.all(many);
    clearInterval(timer);
    expect(results.every((r) => r.hits.length === 100)).toBe(true);
    expect(ticks).toBeGreaterThan(0); // timers ran between the answers: nothing ran on this thread
    await reader.close();
    expect((await reader.search({ query: 'harbour', filters: {}, limit: 5 })).hits).toHaveLength(5);
  });
});
