// Stored albums (manual and smart): CRUD, counts, covers and paged photos. Smart albums run their
// compiled rule at query time, so they follow the library without a refresh.
import type { Db } from '../db/connection';
import { nowIso } from '../db/connection';
import type { Album } from '../../shared/contract/albums';
import type { PhotoSummary } from '../../shared/types';
import type { RuleGroup } from '../../shared/rules';
import { albumFilter, albumRow, autoAlbumRule, albumNotFound, compileRuleFor, type AlbumRow } from './album-filter';
import { parseRule, type CompiledRule } from './rule-sql';
import { photoSummaries } from './photo-summaries';
import { hasThumbSql } from '../library/repo';
import { decodeCursor, encodeCursor, isKeyset } from '../db/cursor';
import { AppError } from '../../shared/errors';
import { COUNT_CAP } from '../../shared/types';
import { cachedStatement, runCount, type CountQuery } from '../db/statements';
import { FTS_PHOTOS_FROM, keyBefore, photoBefore } from '../db/timeline-sql';

/** The statement counting the filter's photos up to COUNT_CAP + 1. */
function cappedCountQuery(f: CompiledRule): CountQuery {
  // Nothing to check on the photos rows: the full-text index alone counts (no row read per match).
  const s = f.fts && !f.fts.perPhoto
    ? { from: 'photos_fts f', where: `photos_fts MATCH ? AND (${f.fts.where})`, params: [f.fts.match, ...f.fts.params] }
    : ruleScan(f);
  return { sql: `SELECT count(*) AS n FROM (SELECT 1 FROM ${s.from} WHERE ${s.where} LIMIT ${COUNT_CAP + 1})`, params: s.params };
}

const cappedOf = (n: number): { count: number; capped: boolean } => ({ count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP });

/** How many photos the filter matches: exact up to COUNT_CAP, beyond it COUNT_CAP and capped (shown "10,000+"). */
export function cappedCount(db: Db, f: CompiledRule): { count: number; capped: boolean } {
  return cappedOf(runCount(db, cappedCountQuery(f)));
}

/** A newest-first page of the rule's photos after the keyset (its LIMIT is the last parameter, not in `params`). */
function pageQuery(f: CompiledRule, after: [string, number] | null): { sql: string; params: unknown[] } {
  const s = ruleScan(f);
  const before = after ? s.before(...after) : null;
  return {
    sql: `SELECT p.id, p.sort_date FROM ${s.from} WHERE ${s.where}${before ? ` AND ${before.sql}` : ''} ORDER BY ${s.order} LIMIT ?`,
    params: [...s.params, ...(before?.params ?? [])],
  };
}

/** The rule's newest `limit` photos after the keyset (`id`, `sort_date`), newest first. */
function newestQuery(f: CompiledRule, after: [string, number] | null, limit: number): { sql: string; params: unknown[] } {
  if (!f.anyOf) {
    const q = pageQuery(f, after);
    return { sql: q.sql, params: [...q.params, limit] };
  }
  // The newest of each branch's own page (rule-sql.ts anyOf).
  const pages = f.anyOf.map((b) => pageQuery(b, after));
  return {
    sql: `SELECT p.id, p.sort_date FROM photos p WHERE p.id IN (${pages.map((q) => `SELECT id FROM (${q.sql})`).join(' UNION ALL ')})
      ORDER BY p.sort_date DESC, p.id DESC LIMIT ?`,
    params: [...pages.flatMap((q) => [...q.params, limit]), limit],
  };
}

/** Where a rule's photos are read from, newest first: the full-text index when the rule allows (rule-sql.ts). */
interface RuleScan { from: string; where: string; params: unknown[]; order: string; before: (date: string, id: number) => { sql: string; params: unknown[] } }

function ruleScan(f: CompiledRule): RuleScan {
  if (f.fts) {
    return {
      from: FTS_PHOTOS_FROM,
      where: `photos_fts MATCH ? AND (${f.fts.where})`,
      params: [f.fts.match, ...f.fts.params],
      order: 'f.rowid DESC',
      before: keyBefore,
    };
  }
  return {
    from: 'photos p', where: `(${f.where})`, params: [...f.params], order: 'p.sort_date DESC, p.id DESC',
    before: photoBefore,
  };
}

/** An album's capped count and its cover photo. */
type Counted = { count: number; countCapped: boolean; coverId: number | null };

/** Runs a capped count's statement: inline, or on the search thread (main/db/search-reader.ts). */
export type CountRunner = (q: CountQuery) => Promise<number>;
const inlineCount = (db: Db): CountRunner => async (q) => runCount(db, q);

/**
 * How many photos the filter matches (capped), and the newest one that has a grid thumbnail as cover
 * (a photo just found, or one that failed to decode, has none yet: its cover URL would be a 404).
 */
function countAndCover(db: Db, filter: (purpose: 'count' | 'page') => CompiledRule): Counted {
  return withCover(db, () => filter('page'), cappedCount(db, filter('count')));
}

/** countAndCover with the count run by `count`; the cover is read here once the count is known. */
function countAndCoverBy(db: Db, filter: (purpose: 'count' | 'page') => CompiledRule, count: CountRunner): Promise<Counted> {
  // Both compiled now, before the wait: the album is read as it is now, whatever happens meanwhile.
  const [counting, paging] = [filter('count'), filter('page')];
  // The cover after a turn of the event loop: counts that come back together (a list's) would
  // otherwise have their covers read one after another in one stretch.
  return count(cappedCountQuery(counting))
    .then(async (n) => { await new Promise<void>((resolve) => setImmediate(resolve)); return withCover(db, () => paging, cappedOf(n)); });
}

/** A cover is looked for among the album's newest this many photos. */
export const COVER_WINDOW = 1000;

/** The cover for a count; `page` is the album's rule compiled for pages (compiled only when there is a cover to look for). */
function withCover(db: Db, page: () => CompiledRule, { count, capped }: { count: number; capped: boolean }): Counted {
  // No cover query for an empty album: with nothing to find it would walk the whole date index.
  if (count === 0) return { count: 0, countCapped: false, coverId: null };
  const f = page();
  // Usually the newest photo has its thumbnail. While a large library's thumbnails are still being
  // made, "the newest with one" could mean walking every match (a million rows for a broad rule, on
  // the event loop); the newest COVER_WINDOW are looked at, and no cover shows meanwhile beyond them.
  const newest = newestQuery(f, null, 1);
  const first = cachedStatement(db, `SELECT n.id, ${hasThumbSql('n.id')} AS thumb FROM (${newest.sql}) AS n`).get(...newest.params) as { id: number; thumb: number } | undefined;
  if (!first || first.thumb) return { count, countCapped: capped, coverId: first?.id ?? null };
  // The window drives (ordered as the album is), each of its photos tested for a thumbnail.
  const window = newestQuery(f, null, COVER_WINDOW);
  const cover = cachedStatement(db, `SELECT w.id FROM (${window.sql}) AS w WHERE ${hasThumbSql('w.id')}
    ORDER BY w.sort_date DESC, w.id DESC LIMIT 1`).get(...window.params) as { id: number } | undefined;
  return { count, countCapped: capped, coverId: cover?.id ?? null };
}

const albumOf = (row: AlbumRow, counted: Counted): Album =>
  ({ id: row.id, name: row.name, kind: row.kind, rule: row.rule_json ? (JSON.parse(row.rule_json) as unknown) : null, createdAt: row.created_at, ...counted });

export function toAlbum(db: Db, row: AlbumRow): Album {
  return albumOf(row, countAndCover(db, (purpose) => albumFilter(db, row.id, purpose)));
}

/**
 * Every stored album with its count and cover. `count` runs the counts: on the search thread in web
 * mode and the desktop app, where a dozen smart albums at a million photos (20–40 ms each) would
 * otherwise hold the event loop for half a second; the covers are read here as the counts come back.
 */
export async function listStoredAlbums(db: Db, count: CountRunner = inlineCount(db)): Promise<Album[]> {
  const rows = db.prepare('SELECT id, name, kind, rule_json, created_at FROM albums ORDER BY name COLLATE NOCASE, id').all() as AlbumRow[];
  const albums: Promise<Album>[] = [];
  for (const row of rows) {
    let album: Promise<Album>;
    try {
      album = countAndCoverBy(db, (purpose) => albumFilter(db, row.id, purpose), count).then((c) => albumOf(row, c));
    } catch (err) {
      if (err instanceof AppError && err.kind === 'not_found') continue; // removed while the list was made
      throw err;
    }
    album.catch(() => {}); // reported by Promise.all below, not as unhandled meanwhile
    albums.push(album);
    // One album's compiling at a time holds the event loop (a rule's sets are sized by index reads).
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return Promise.all(albums);
}

export function findAlbumByName(db: Db, name: string): AlbumRow | undefined {
  return db.prepare('SELECT id, name, kind, rule_json, created_at FROM albums WHERE name = ? COLLATE NOCASE').get(name.trim()) as AlbumRow | undefined;
}

export function createAlbum(db: Db, name: string, rule?: RuleGroup): Album {
  return db.transaction(() => {
    const trimmed = name.trim();
    if (findAlbumByName(db, trimmed)) throw new AppError('conflict', `An album named "${trimmed}" already exists`);
    if (rule) compileRuleFor(db, rule); // rejects rules that validate but cannot compile (e.g. text without words)
    const info = db.prepare('INSERT INTO albums (name, kind, rule_json, created_at) VALUES (?, ?, ?, ?)')
      .run(trimmed, rule ? 'smart' : 'manual', rule ? JSON.stringify(rule) : null, nowIso());
    return toAlbum(db, albumRow(db, Number(info.lastInsertRowid)));
  })();
}

export function renameAlbum(db: Db, id: number, name: string): Album {
  return db.transaction(() => {
    albumRow(db, id);
    const other = findAlbumByName(db, name);
    if (other && other.id !== id) throw new AppError('conflict', `An album named "${name.trim()}" already exists`);
    db.prepare('UPDATE albums SET name = ? WHERE id = ?').run(name.trim(), id);
    return toAlbum(db, albumRow(db, id));
  })();
}

export function updateAlbumRule(db: Db, id: number, rule: RuleGroup): Album {
  return db.transaction(() => {
    const row = albumRow(db, id);
    if (row.kind !== 'smart') throw new AppError('conflict', `"${row.name}" is a manual album; it has no rule`);
    compileRuleFor(db, rule);
    db.prepare('UPDATE albums SET rule_json = ? WHERE id = ?').run(JSON.stringify(rule), id);
    return toAlbum(db, albumRow(db, id));
  })();
}

export function removeAlbum(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM albums WHERE id = ?').run(id).changes > 0;
}

function manualRow(db: Db, id: number): AlbumRow {
  const row = albumRow(db, id);
  if (row.kind !== 'manual') throw new AppError('conflict', `"${row.name}" is a smart album: its photos come from its rule`);
  return row;
}

export function addAlbumPhotos(db: Db, id: number, photoIds: readonly number[]): Album {
  return db.transaction(() => {
    const row = manualRow(db, id);
    const exists = db.prepare('SELECT 1 FROM photos WHERE id = ?');
    const missing = photoIds.filter((pid) => !exists.get(pid));
    if (missing.length) throw new AppError('not_found', `No photo with id ${missing.join(', ')}`);
    const insert = db.prepare('INSERT INTO album_photos (album_id, photo_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    const now = nowIso();
    for (const pid of photoIds) insert.run(id, pid, now);
    return toAlbum(db, row);
  })();
}

export function removeAlbumPhotos(db: Db, id: number, photoIds: readonly number[]): Album {
  return db.transaction(() => {
    const row = manualRow(db, id);
    const del = db.prepare('DELETE FROM album_photos WHERE album_id = ? AND photo_id = ?');
    for (const pid of photoIds) del.run(id, pid);
    return toAlbum(db, row);
  })();
}

/** Any album, stored or auto, as the contract's Album. */
export async function getAlbum(db: Db, ref: number | string, count: CountRunner = inlineCount(db)): Promise<Album> {
  if (typeof ref === 'number' || /^\d+$/.test(ref)) {
    const row = albumRow(db, Number(ref));
    return albumOf(row, await countAndCoverBy(db, (purpose) => albumFilter(db, row.id, purpose), count));
  }
  const rule = autoAlbumRule(ref);
  if (!rule) throw albumNotFound(ref);
  return { id: ref, name: autoAlbumName(ref), kind: 'auto', rule, createdAt: null, ...await countAndCoverBy(db, (purpose) => compileRuleFor(db, rule, purpose), count) };
}

/** One formatter for every month's name: toLocaleString makes a new one per call (~0.1 ms; 200 months a list). */
const MONTH_NAME = new Intl.DateTimeFormat('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });

export function autoAlbumName(key: string): string {
  const [kind, value] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  if (kind === 'month') {
    const [y, m] = value.split('-').map(Number);
    return MONTH_NAME.format(new Date(Date.UTC(y!, m! - 1, 1)));
  }
  return value;
}

/**
 * A page of the album, newest first, and its capped count. `count` runs the count: on the search
 * thread in web mode and the desktop app (main/db/search-reader.ts), where the count of a broad
 * rule at a million photos (20–35 ms of FTS5 intersection) overlaps the page read here.
 */
export async function albumPhotos(db: Db, ref: number | string, opts: { cursor?: string; limit: number },
  count: CountRunner = inlineCount(db)):
  Promise<{ items: PhotoSummary[]; total: number; totalCapped: boolean; nextCursor: string | null }> {
  // The count stops at COUNT_CAP; the page is its own query, shaped so an index in date order (the
  // date index, or FTS5's timeline keys) drives it and it stops after one page (a window count would
  // make it visit every match).
  const counted = count(cappedCountQuery(albumFilter(db, ref)));
  try {
    const page = albumPage(db, ref, opts);
    const n = cappedOf(await counted);
    return { ...page, total: n.count, totalCapped: n.capped };
  } finally {
    counted.catch(() => {}); // a page that failed has its error thrown; the count's is not unhandled
  }
}

function albumPage(db: Db, ref: number | string, opts: { cursor?: string; limit: number }): { items: PhotoSummary[]; nextCursor: string | null } {
  // Keyset over (sort_date, id), newest first: stable while photos are added.
  const after = opts.cursor ? decodeCursor(opts.cursor, isKeyset) : null;
  const f = albumFilter(db, ref, 'page');
  const q = newestQuery(f, after, opts.limit + 1);
  const rows = cachedStatement(db, q.sql).all(...q.params) as { id: number; sort_date: string }[];
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    items: photoSummaries(db, page.map((r) => r.id)),
    nextCursor: rows.length > opts.limit && last ? encodeCursor([last.sort_date, last.id]) : null,
  };
}

/** Count of photos a (validated) rule would match (capped): the rule builder's live preview. */
export function previewRule(db: Db, raw: unknown): { count: number; countCapped: boolean } {
  const { count, capped } = cappedCount(db, compileRuleFor(db, parseRule(raw)));
  return { count, countCapped: capped };
}
