// Albums over more photos than COUNT_CAP: counts stop at the cap and say "more" (album, page, rule
// preview), stay exact under it, and a rule's query takes the shape that stays fast at a million
// photos (a large tag or text set beside an indexed condition is tested per photo; a page walks the
// date index) without changing which photos match.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../main/service/context';
import { createService } from '../../main/service/index';
import type { Service } from '../../shared/api';
import type { RuleGroup } from '../../shared/rules';
import { COUNT_CAP } from '../../shared/types';
import { nowIso } from '../../main/db/connection';
import { refreshPhotoText } from '../../main/db/photo-text';
import { compileRuleFor } from '../../main/albums/album-filter';
import { compileRule, type CompiledRule } from '../../main/albums/rule-sql';
import { cappedCount, COVER_WINDOW, listStoredAlbums } from '../../main/albums/album-repo';
import { runCount } from '../../main/db/statements';
import { searchPhotos } from '../../main/db/search';
import { rootRows } from '../../main/db/roots';
import { insertRoot, tempContext } from './fixture';
import { photoIdOfKey } from '../../main/db/timeline-key';

let ctx: AppContext;
let service: Service;
const N = COUNT_CAP + 50;
/** Photo ids newest first. */
let newestFirst: number[] = [];

beforeAll(() => {
  ({ ctx } = tempContext());
  service = createService(ctx);
  const db = ctx.db;
  const root = insertRoot(db, '/photos/scale');
  const now = nowIso();
  const insert = db.prepare(`INSERT INTO photos (root_id, rel_path, file_name, folder, size, mtime_ms, width, height, sort_date, lat, lon,
      camera_make, camera_model, status, created_at, updated_at)
    VALUES (?, ?, ?, 'scale', 1, 0, ?, ?, ?, ?, ?, ?, 'X1', 'ok', ?, ?) RETURNING id`);
  const caption = db.prepare(`INSERT INTO captions (photo_id, text, source, created_at) VALUES (?, ?, 'ai', ?)`);
  const tag = (name: string) => Number(db.prepare('INSERT INTO tags (name) VALUES (?)').run(name).lastInsertRowid);
  const [harbour, rare] = [tag('harbour'), tag('rare')];
  const photoTag = db.prepare(`INSERT INTO photo_tags (photo_id, tag_id, source, created_at) VALUES (?, ?, 'ai', ?)`);
  const stage = db.prepare(`INSERT INTO photo_stage (photo_id, stage, done_at) VALUES (?, 'thumbnail', ?)`);
  db.transaction(() => {
    const ids: number[] = [];
    for (let i = 0; i < N; i++) {
      const gps = i % 100 === 0; // 101 photos with a location, all of them even (boats)
      // Dates run backwards through 2020 and 2021 so id order is not date order.
      const date = new Date(Date.UTC(2021, 11, 31) - i * 90 * 60_000).toISOString().slice(0, 19);
      const { id } = insert.get(root, `p${i}.jpg`, `p${i}.jpg`, i % 3 ? 4000 : 3000, i % 3 ? 3000 : 4000, date,
        gps ? 48 : null, gps ? 2 : null, i % 2 ? 'Canon' : 'FUJIFILM', now, now) as { id: number };
      caption.run(id, i % 2 === 0 ? 'boats in the harbour' : 'a harbour at night with lanterns', now);
      photoTag.run(id, harbour, now);
      stage.run(id, now);
      if (i % 1000 === 7) photoTag.run(id, rare, now);
      ids.push(id);
    }
    refreshPhotoText(db, ids);
    newestFirst = ids; // inserted newest first
  })();
  db.exec('ANALYZE');
});
afterAll(async () => { await ctx.close(); });

const and = (...items: RuleGroup['items']): RuleGroup => ({ op: 'and', items });

async function album(rule: RuleGroup) {
  const created = await service['albums.create']({ name: `a${Math.random()}`, rule });
  const page = await service['albums.photos']({ id: created.id, limit: 100 });
  const page2 = page.nextCursor ? await service['albums.photos']({ id: created.id, limit: 100, cursor: page.nextCursor }) : null;
  const preview = await service['albums.preview']({ rule });
  await service['albums.remove']({ id: created.id as number });
  return { created, page, page2, preview };
}

describe('album counts', () => {
  it('of the album list leave out an album removed while the list is made', async () => {
    const a = await service['albums.create']({ name: 'aaa first', rule: and({ kind: 'tag', op: 'is', value: 'rare' }) });
    const b = await service['albums.create']({ name: 'zzz removed meanwhile', rule: and({ kind: 'tag', op: 'is', value: 'rare' }) });
    let removed = false;
    const list = await listStoredAlbums(ctx.db, async (q) => {
      if (!removed) { removed = true; await service['albums.remove']({ id: b.id as number }); }
      return runCount(ctx.db, q);
    });
    expect(list.map((x) => x.id)).toEqual([a.id]);
    expect(list[0]).toMatchObject({ count: Math.ceil(N / 1000) });
    await service['albums.remove']({ id: a.id as number });
  });

  it(`stop at ${COUNT_CAP.toLocaleString('en')} and say there are more`, async () => {
    const { created, page, page2, preview } = await album(and({ kind: 'text', value: 'harbour' }));
    expect(created).toMatchObject({ count: COUNT_CAP, countCapped: true, coverId: newestFirst[0] });
    expect(page).toMatchObject({ total: COUNT_CAP, totalCapped: true });
    expect(page.items.map((p) => p.id)).toEqual(newestFirst.slice(0, 100));
    expect(page2!.items.map((p) => p.id)).toEqual(newestFirst.slice(100, 200));
    expect(preview).toEqual({ count: COUNT_CAP, countCapped: true });
    const next = await service['albums.photos']({ id: 'tag:harbour', limit: 100, cursor: page.nextCursor! });
    expect(next.items.map((p) => p.id)).toEqual(newestFirst.slice(100, 200));
  });

  it('of an OR rule page newest first, as the whole rule orders its photos', async () => {
    const rule: RuleGroup = { op: 'or', items: [{ kind: 'tag', op: 'is', value: 'rare' }, { kind: 'hasGps', value: true },
      { kind: 'dateRange', from: '2021-12-28' }, and({ kind: 'text', value: 'lanterns' }, { kind: 'year', value: 2020 })] };
    expect(compileRuleFor(ctx.db, rule, 'page').anyOf).toHaveLength(4);
    const { page, page2 } = await album(rule);
    const f = compileRuleFor(ctx.db, rule);
    const expected = (ctx.db.prepare(`SELECT p.id FROM photos p WHERE ${f.where} ORDER BY p.sort_date DESC, p.id DESC LIMIT 200`)
      .all(...f.params) as { id: number }[]).map((r) => r.id);
    expect([...page.items, ...page2!.items].map((p) => p.id)).toEqual(expected);
  });

  it("take as cover the newest photo with a thumbnail, looked for among the album's newest photos only", async () => {
    const db = ctx.db;
    const drop = (ids: number[]) => { const d = db.prepare(`DELETE FROM photo_stage WHERE photo_id = ? AND stage = 'thumbnail'`); for (const id of ids) d.run(id); };
    const restore = (ids: number[]) => { const r = db.prepare(`INSERT INTO photo_stage (photo_id, stage, done_at) VALUES (?, 'thumbnail', ?)`); for (const id of ids) r.run(id, nowIso()); };
    const cover = async (rule: RuleGroup) => (await service['albums.get']({ id: (await service['albums.create']({ name: `c${Math.random()}`, rule })).id })).coverId;
    const words = and({ kind: 'text', value: 'harbour' });
    const tag = and({ kind: 'tag', op: 'is', value: 'harbour' }, { kind: 'year', value: 2021 });
    try {
      drop(newestFirst.slice(0, 3));
      expect(await cover(words)).toBe(newestFirst[3]);
      expect(await cover(tag)).toBe(newestFirst[3]);
      drop(newestFirst.slice(3, COVER_WINDOW));
      // Older photos have thumbnails, but none of the newest COVER_WINDOW: no cover for now.
      expect(await cover(words)).toBeNull();
      expect(await cover(tag)).toBeNull();
      restore(newestFirst.slice(0, COVER_WINDOW));
      expect(await cover(words)).toBe(newestFirst[0]);
    } finally {
      if (!db.prepare(`SELECT 1 FROM photo_stage WHERE photo_id = ?`).get(newestFirst[0])) restore(newestFirst.slice(0, COVER_WINDOW));
      for (const a of await service['albums.list']({ includeAuto: false })) if (a.name.startsWith('c0.')) await service['albums.remove']({ id: a.id as number });
    }
  });

  it('stay exact under the cap', async () => {
    const { created, page, preview } = await album(and({ kind: 'tag', op: 'is', value: 'harbour' }, { kind: 'hasGps', value: true }));
    expect(created).toMatchObject({ count: 101, countCapped: false });
    expect(page).toMatchObject({ total: 101, totalCapped: false });
    expect(page.items.map((p) => p.id)).toEqual(newestFirst.filter((_, i) => i % 100 === 0).slice(0, 100));
    expect(preview).toEqual({ count: 101, countCapped: false });
    expect((await album(and({ kind: 'text', value: 'lanterns' }, { kind: 'hasGps', value: true }))).created).toMatchObject({ count: 0, countCapped: false });
  });

  it("of albums.photos, albums.list and albums.get come from the context's reader (in web mode and the app, the search thread)", async () => {
    const reader = ctx.searchReader;
    const own = reader.count;
    const asked: string[] = [];
    reader.count = async (q) => { asked.push(q.sql); return own(q); };
    try {
      const { page } = await album(and({ kind: 'tag', op: 'is', value: 'harbour' }, { kind: 'hasGps', value: true }));
      expect(page.total).toBe(101);
      expect(asked).toHaveLength(2); // one per page (101 photos, pages of 100)
      expect(asked[0]).toMatch(/^SELECT count\(\*\) AS n FROM/);
      // The album list's counts too, one per stored album; the covers are found here.
      const created = await service['albums.create']({ name: 'listed', rule: and({ kind: 'tag', op: 'is', value: 'harbour' }, { kind: 'hasGps', value: true }) });
      asked.length = 0;
      const all = await service['albums.list']({ includeAuto: false });
      expect(all.find((a) => a.id === created.id)).toMatchObject({ count: 101, countCapped: false, coverId: newestFirst[0] });
      expect(asked).toHaveLength(all.length);
      asked.length = 0;
      expect(await service['albums.get']({ id: created.id })).toMatchObject({ count: 101, coverId: newestFirst[0] });
      expect(await service['albums.get']({ id: 'tag:rare' })).toMatchObject({ count: Math.ceil(N / 1000), countCapped: false });
      expect(asked).toHaveLength(2);
      await service['albums.remove']({ id: created.id as number });
    } finally {
      reader.count = own;
    }
  });
});

const plan = (f: CompiledRule, sql: string): string =>
  (ctx.db.prepare(`EXPLAIN QUERY PLAN ${sql.replace('$W', f.where)}`).all(...f.params) as { detail: string }[]).map((r) => r.detail).join(' | ');
const COUNT_SQL = `SELECT count(*) FROM (SELECT 1 FROM photos p WHERE $W LIMIT ${COUNT_CAP + 1})`;
const PAGE_SQL = 'SELECT p.id FROM photos p WHERE $W ORDER BY p.sort_date DESC, p.id DESC LIMIT 201';
const FTS_SCAN = `photos_fts f CROSS JOIN photos p ON p.id = ${photoIdOfKey('f.rowid')}`;

describe('rule query shapes', () => {
  it('a large tag beside a date range and GPS is tested per photo while the GPS index drives', () => {
    const f = compileRuleFor(ctx.db, and({ kind: 'tag', op: 'is', value: 'harbour' }, { kind: 'year', value: 2021 }, { kind: 'hasGps', value: true }));
    expect(f.where).toContain('EXISTS');
    expect(plan(f, COUNT_SQL)).toMatch(/SEARCH p USING INDEX photos_gps/);
    expect(plan(f, COUNT_SQL)).not.toMatch(/INTEGER PRIMARY KEY/);
  });

  it('a small tag stays a set SQLite may drive the query from', () => {
    const f = compileRuleFor(ctx.db, and({ kind: 'tag', op: 'is', value: 'rare' }, { kind: 'year', value: 2021 }));
    expect(f.where).not.toContain('EXISTS');
    expect(f.where).toMatch(/(^|[^+])p\.id IN \(SELECT pt\.photo_id/);
  });

  it('a page of a large set walks the date index (no sort of every match); its count is driven by the set', () => {
    const rule = and({ kind: 'tag', op: 'is', value: 'harbour' }, { kind: 'hasGps', value: false }, { kind: 'orientation', value: 'landscape' });
    const page = plan(compileRuleFor(ctx.db, rule, 'page'), PAGE_SQL);
    expect(page).toMatch(/photos_sort/);
    expect(page).not.toMatch(/TEMP B-TREE/);
    expect(plan(compileRuleFor(ctx.db, rule, 'count'), COUNT_SQL)).toMatch(/photo_tags_tag/);
  });

  it('words beside per-photo conditions are walked by FTS5 in timeline order, dates as key bounds', () => {
    const rule = and({ kind: 'text', value: 'harbour' }, { kind: 'camera', value: 'canon' }, { kind: 'orientation', value: 'landscape' }, { kind: 'year', value: 2021 });
    const f = compileRuleFor(ctx.db, rule, 'page');
    expect(f.fts?.where).toMatch(/f\.rowid >= .* AND f\.rowid < /);
    const page = (ctx.db.prepare(`EXPLAIN QUERY PLAN SELECT p.id FROM ${FTS_SCAN} WHERE photos_fts MATCH ? AND (${f.fts!.where})
      ORDER BY f.rowid DESC LIMIT 201`).all(f.fts!.match, ...f.fts!.params) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(page).toMatch(/SCAN f VIRTUAL TABLE/);
    expect(page).not.toMatch(/TEMP B-TREE/);
    // A folder beside the words keeps its own index.
    expect(compileRuleFor(ctx.db, and({ kind: 'text', value: 'harbour' }, { kind: 'folder', value: '/photos/scale' })).fts).toBeUndefined();
  });

  it('every shape selects the same photos', () => {
    const rules: RuleGroup[] = [
      and({ kind: 'tag', op: 'is', value: 'harbour' }, { kind: 'year', value: 2021 }, { kind: 'hasGps', value: true }),
      and({ kind: 'tag', op: 'is', value: 'rare' }, { kind: 'dateRange', from: '2020-06-01' }),
      and({ kind: 'tag', op: 'isNot', value: 'rare' }, { kind: 'year', value: 2020 }),
      and({ kind: 'text', value: 'lanterns' }, { kind: 'camera', value: 'canon' }, { kind: 'orientation', value: 'portrait' }),
      and({ kind: 'text', value: 'boats' }, { kind: 'camera', value: 'canon' }),
      and({ kind: 'text', value: 'night' }, { kind: 'year', value: 2020 }, { op: 'or', items: [{ kind: 'tag', op: 'is', value: 'rare' }, { kind: 'hasGps', value: true }] }),
      and({ kind: 'text', value: 'harbo' }, { kind: 'dateRange', from: '2020-03-02', to: '2020-11-30' }),
      and({ kind: 'text', value: 'harbour' }, { kind: 'orientation', value: 'landscape' }, { kind: 'hasGps', value: true }),
      and({ kind: 'tag', op: 'is', value: 'rare' }, { kind: 'folder', value: 'scale' }, { kind: 'orientation', value: 'portrait' }),
    ];
    let driven = 0;
    let pageDriven = 0;
    let indexOnly = 0;
    const ids = (f: CompiledRule) => (ctx.db.prepare(`SELECT p.id FROM photos p WHERE ${f.where} ORDER BY p.id`).all(...f.params) as { id: number }[]).map((r) => r.id);
    const ftsIds = (f: CompiledRule) => (ctx.db.prepare(`SELECT p.id FROM ${FTS_SCAN} WHERE photos_fts MATCH ? AND (${f.fts!.where}) ORDER BY p.id`)
      .all(f.fts!.match, ...f.fts!.params) as { id: number }[]).map((r) => r.id);
    const roots = rootRows(ctx.db);
    for (const rule of rules) {
      const small = ids(compileRule(rule, { roots, setSize: () => 'small' }));
      for (const purpose of ['count', 'page'] as const) {
        expect(ids(compileRule(rule, { roots, setSize: () => 'large', purpose })), JSON.stringify(rule)).toEqual(small);
      }
      expect(ids(compileRuleFor(ctx.db, rule)), JSON.stringify(rule)).toEqual(small);
      const f = compileRuleFor(ctx.db, rule);
      if (f.fts) {
        driven++;
        expect(ftsIds(f), JSON.stringify(rule)).toEqual(small);
        // Counted by the index alone when nothing is left to check per photo.
        if (!f.fts.perPhoto) indexOnly++;
        expect(cappedCount(ctx.db, f), JSON.stringify(rule)).toEqual({ count: small.length, capped: false });
      }
      const page = compileRuleFor(ctx.db, rule, 'page');
      if (page.fts) { pageDriven++; expect(ftsIds(page), JSON.stringify(rule)).toEqual(small); }
    }
    // Words drive counts; for pages a tag's or a folder's words may drive too.
    expect([driven, pageDriven, indexOnly]).toEqual([5, 8, 3]);
    // The shapes were not all the same (the comparison above means something).
    expect(compileRule(rules[0]!, { roots, setSize: () => 'large' }).where).not.toEqual(compileRule(rules[0]!, { roots, setSize: () => 'small' }).where);
    // And the photos really are there: 'boats' by a Canon never happens (Canon photos are odd: lanterns).
    expect(ids(compileRule(rules[4]!, { roots }))).toEqual([]);
    expect(ids(compileRule(rules[3]!, { roots })).length).toBeGreaterThan(1000);
    expect(ids(compileRule(rules[7]!, { roots })).length).toBeGreaterThan(10);
  });

  it("orientation and a location are answered by the index's facets, which follow the photo", () => {
    const rule = and({ kind: 'text', value: 'lanterns' }, { kind: 'orientation', value: 'landscape' }, { kind: 'hasGps', value: true });
    const f = compileRuleFor(ctx.db, rule);
    expect(f.fts?.match).toMatch(/facets : "landscape".*facets : "gps"/);
    expect(f.fts?.where).not.toMatch(/width|lat/);
    const count = () => (ctx.db.prepare(`SELECT count(*) AS n FROM ${FTS_SCAN} WHERE photos_fts MATCH ? AND (${f.fts!.where})`)
      .get(f.fts!.match, ...f.fts!.params) as { n: number }).n;
    const before = count();
    // A portrait photo with lanterns and no location becomes a landscape one with a location.
    const id = newestFirst.find((_, i) => i % 2 === 1 && i % 3 === 0 && i % 100 !== 0)!;
    ctx.db.prepare('UPDATE photos SET width = 4000, height = 3000, lat = 1, lon = 2 WHERE id = ?').run(id);
    expect(count()).toBe(before + 1);
    ctx.db.prepare('UPDATE photos SET width = 3000, height = 4000, lat = NULL, lon = NULL WHERE id = ?').run(id);
    expect(count()).toBe(before);
    // Searches never find a photo by its facets.
    const total = (query: string) => searchPhotos(ctx.db, { query, filters: {}, limit: 1 }).total;
    expect([total('landscape'), total('gps'), total('portr'), total('g')]).toEqual([0, 0, 0, 0]);
    expect(total('lan')).toBe(total('lanterns'));
    expect(total('lan')).toBeGreaterThan(0);
  });
});
