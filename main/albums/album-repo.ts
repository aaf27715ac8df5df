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
import { HAS_THUMB_SQL } from '../library/repo';
import { decodeCursor, encodeCursor, isKeyset } from '../db/cursor';
import { AppError } from '../../shared/errors';
import { COUNT_CAP } from '../../shared/types';
import { cachedStatement } from '../db/statements';

/** How many photos the filter matches: exact up to COUNT_CAP, beyond it COUNT_CAP and capped (shown "10,000+"). */
export function cappedCount(db: Db, f: CompiledRule): { count: number; capped: boolean } {
  const { n } = cachedStatement(db, `SELECT count(*) AS n FROM (SELECT 1 FROM photos p WHERE ${f.where} LIMIT ${COUNT_CAP + 1})`)
    .get(...f.params) as { n: number };
  return { count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
}

/**
 * How many photos the filter matches (capped), and the newest one that has a grid thumbnail as cover
 * (a photo just found, or one that failed to decode, has none yet: its cover URL would be a 404).
 */
export function countAndCover(db: Db, filter: (purpose: 'count' | 'page') => CompiledRule):
  { count: number; countCapped: boolean; coverId: number | null } {
  const { count, capped } = cappedCount(db, filter('count'));
  if (count === 0) return { count: 0, countCapped: false, coverId: null };
  const f = filter('page');
  const cover = cachedStatement(db, `SELECT p.id FROM photos p WHERE (${f.where}) AND ${HAS_THUMB_SQL}
    ORDER BY p.sort_date DESC, p.id DESC LIMIT 1`).get(...f.params) as { id: number } | undefined;
  return { count, countCapped: capped, coverId: cover?.id ?? null };
}

export function toAlbum(db: Db, row: AlbumRow): Album {
  const rule = row.rule_json ? (JSON.parse(row.rule_json) as unknown) : null;
  return { id: row.id, name: row.name, kind: row.kind, rule, createdAt: row.created_at, ...countAndCover(db, (purpose) => albumFilter(db, row.id, purpose)) };
}

export function listStoredAlbums(db: Db): Album[] {
  const rows = db.prepare('SELECT id, name, kind, rule_json, created_at FROM albums ORDER BY name COLLATE NOCASE, id').all() as AlbumRow[];
  return rows.map((r) => toAlbum(db, r));
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
export function getAlbum(db: Db, ref: number | string): Album {
  if (typeof ref === 'number' || /^\d+$/.test(ref)) return toAlbum(db, albumRow(db, Number(ref)));
  const rule = autoAlbumRule(ref);
  if (!rule) throw albumNotFound(ref);
  return { id: ref, name: autoAlbumName(ref), kind: 'auto', rule, createdAt: null, ...countAndCover(db, (purpose) => compileRuleFor(db, rule, purpose)) };
}

export function autoAlbumName(key: string): string {
  const [kind, value] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  if (kind === 'month') {
    const [y, m] = value.split('-').map(Number);
    return new Date(Date.UTC(y!, m! - 1, 1)).toLocaleString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  }
  return value;
}

export function albumPhotos(db: Db, ref: number | string, opts: { cursor?: string; limit: number }):
  { items: PhotoSummary[]; total: number; totalCapped: boolean; nextCursor: string | null } {
  // The count stops at COUNT_CAP; the page is its own query, shaped so the date index drives it and
  // it stops after one page (a window count would make it visit every match).
  const { count: total, capped } = cappedCount(db, albumFilter(db, ref));
  const f = albumFilter(db, ref, 'page');
  const where = [`(${f.where})`];
  const params: unknown[] = [...f.params];
  if (opts.cursor) {
    // Keyset over (sort_date, id), newest first: stable while photos are added.
    const [date, id] = decodeCursor(opts.cursor, isKeyset);
    where.push('(p.sort_date < ? OR (p.sort_date = ? AND p.id < ?))');
    params.push(date, date, id);
  }
  const rows = cachedStatement(db, `SELECT p.id, p.sort_date FROM photos p WHERE ${where.join(' AND ')}
    ORDER BY p.sort_date DESC, p.id DESC LIMIT ?`).all(...params, opts.limit + 1) as { id: number; sort_date: string }[];
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    items: photoSummaries(db, page.map((r) => r.id)),
    total,
    totalCapped: capped,
    nextCursor: rows.length > opts.limit && last ? encodeCursor([last.sort_date, last.id]) : null,
  };
}

/** Count of photos a (validated) rule would match (capped): the rule builder's live preview. */
export function previewRule(db: Db, raw: unknown): { count: number; countCapped: boolean } {
  const { count, capped } = cappedCount(db, compileRuleFor(db, parseRule(raw)));
  return { count, countCapped: capped };
}
