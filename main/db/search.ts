// Photo search: FTS5 over caption, tags, file name, folder and camera, ranked by bm25 with captions
// and tags weighing most; filters are applied on photos joined by rowid. An empty query is the
// filtered listing, newest first.
import path from 'node:path';
import type { Db } from './connection';
import { toFtsQuery } from './fts-query';
import { decodeCursor, encodeCursor, isKeyset, isOffset } from './cursor';
import type { SearchFilters } from '../../shared/contract/library';
import type { SearchHit, SearchResult } from '../../shared/types';
import { absolutePath, cameraLabel, PHOTO_ORDER } from '../library/repo';
import { rootRows } from './roots';

/** Column weights in photos_fts order: caption, tags, file_name, folder, camera. */
export const BM25_RANK = `bm25(10.0, 8.0, 2.0, 1.0, 3.0)`;

export interface SearchOptions {
  query: string;
  filters: SearchFilters;
  limit: number;
  cursor?: string;
}

interface Clause {
  sql: string[];
  params: unknown[];
}

const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function filterClause(db: Db, f: SearchFilters): Clause {
  const sql: string[] = [];
  const params: unknown[] = [];
  if (f.tag !== undefined) {
    sql.push(`EXISTS (SELECT 1 FROM photo_tags ptg JOIN tags t ON t.id = ptg.tag_id WHERE ptg.photo_id = p.id AND t.name = ?)`);
    params.push(f.tag.trim());
  }
  if (f.camera !== undefined) {
    sql.push(`(coalesce(p.camera_make, '') || ' ' || coalesce(p.camera_model, '') || ' ' || coalesce(p.lens, '')) LIKE ? ESCAPE '\\'`);
    params.push(`%${likeEscape(f.camera.trim())}%`);
  }
  if (f.folder !== undefined) folderClause(db, f.folder, sql, params);
  if (f.from !== undefined) { sql.push('p.sort_date >= ?'); params.push(f.from); }
  if (f.to !== undefined) { sql.push(`p.sort_date < date(?, '+1 day')`); params.push(f.to); }
  if (f.hasGps !== undefined) sql.push(f.hasGps ? 'p.lat IS NOT NULL' : 'p.lat IS NULL');
  return { sql, params };
}

/** An absolute folder means that folder and below; a relative one matches those folder names anywhere. */
function folderClause(db: Db, folder: string, sql: string[], params: unknown[]): void {
  if (path.isAbsolute(folder)) {
    const abs = path.resolve(folder);
    const alts: string[] = [];
    for (const root of rootRows(db)) {
      if (abs === root.path) { alts.push('p.root_id = ?'); params.push(root.id); continue; }
      const rel = path.relative(root.path, abs);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) {
        alts.push(`(p.root_id = ? AND p.rel_path LIKE ? ESCAPE '\\')`);
        params.push(root.id, `${likeEscape(rel.split(path.sep).join('/'))}/%`);
      }
    }
    sql.push(alts.length ? `(${alts.join(' OR ')})` : '0');
    return;
  }
  const rel = folder.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
  sql.push(`('/' || p.folder || '/') LIKE ? ESCAPE '\\'`);
  params.push(`%/${likeEscape(rel)}/%`);
}

interface HitRow {
  id: number;
  root_path: string;
  rel_path: string;
  taken_at: string | null;
  sort_date: string;
  camera_make: string | null;
  camera_model: string | null;
  caption: string | null;
  score: number;
}

const HIT_COLUMNS = `p.id, r.path AS root_path, p.rel_path, p.taken_at, p.sort_date, p.camera_make, p.camera_model, pt.caption`;

export function searchPhotos(db: Db, opts: SearchOptions): SearchResult {
  const match = toFtsQuery(opts.query);
  const filters = filterClause(db, opts.filters);
  return match === null ? filteredListing(db, opts, filters) : ftsSearch(db, opts, match, filters);
}

function ftsSearch(db: Db, opts: SearchOptions, match: string, filters: Clause): SearchResult {
  const offset = opts.cursor !== undefined ? decodeCursor(opts.cursor, isOffset).o : 0;
  const where = ['photos_fts MATCH ?', `f.rank MATCH '${BM25_RANK}'`, ...filters.sql].join(' AND ');
  const rows = db.prepare(`SELECT ${HIT_COLUMNS}, -f.rank AS score
    FROM photos_fts f JOIN photos p ON p.id = f.rowid JOIN roots r ON r.id = p.root_id LEFT JOIN photo_text pt ON pt.photo_id = p.id
    WHERE ${where} ORDER BY f.rank LIMIT ? OFFSET ?`).all(match, ...filters.params, opts.limit + 1, offset) as HitRow[];
  const more = rows.length > opts.limit;
  const page = more ? rows.slice(0, opts.limit) : rows;
  const total = !more ? offset + page.length : filters.sql.length
    ? (db.prepare(`SELECT count(*) AS n FROM photos_fts f JOIN photos p ON p.id = f.rowid JOIN roots r ON r.id = p.root_id
        WHERE photos_fts MATCH ? AND ${filters.sql.join(' AND ')}`).get(match, ...filters.params) as { n: number }).n
    : (db.prepare(`SELECT count(*) AS n FROM photos_fts WHERE photos_fts MATCH ?`).get(match) as { n: number }).n;
  return { hits: toHits(db, page), total, nextCursor: more ? encodeCursor({ o: offset + opts.limit }) : null };
}

function filteredListing(db: Db, opts: SearchOptions, filters: Clause): SearchResult {
  const where = [...filters.sql];
  const params = [...filters.params];
  const total = (db.prepare(`SELECT count(*) AS n FROM photos p JOIN roots r ON r.id = p.root_id
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`).get(...params) as { n: number }).n;
  if (opts.cursor !== undefined) {
    const [date, id] = decodeCursor(opts.cursor, isKeyset);
    where.push('(p.sort_date < ? OR (p.sort_date = ? AND p.id < ?))');
    params.push(date, date, id);
  }
  const rows = db.prepare(`SELECT ${HIT_COLUMNS}, 0 AS score
    FROM photos p JOIN roots r ON r.id = p.root_id LEFT JOIN photo_text pt ON pt.photo_id = p.id
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${PHOTO_ORDER} LIMIT ?`).all(...params, opts.limit + 1) as HitRow[];
  const more = rows.length > opts.limit;
  const page = more ? rows.slice(0, opts.limit) : rows;
  const last = page[page.length - 1];
  return { hits: toHits(db, page), total, nextCursor: more && last ? encodeCursor([last.sort_date, last.id]) : null };
}

function toHits(db: Db, rows: HitRow[]): SearchHit[] {
  const tagsById = new Map<number, string[]>();
  if (rows.length) {
    const ids = rows.map((r) => r.id);
    const tagRows = db.prepare(`SELECT DISTINCT pt.photo_id, t.name FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
      WHERE pt.photo_id IN (${ids.map(() => '?').join(',')}) ORDER BY t.name`).all(...ids) as { photo_id: number; name: string }[];
    for (const t of tagRows) {
      const list = tagsById.get(t.photo_id) ?? [];
      list.push(t.name);
      tagsById.set(t.photo_id, list);
    }
  }
  return rows.map((r) => ({
    id: r.id,
    path: absolutePath(r.root_path, r.rel_path),
    takenAt: r.taken_at,
    camera: cameraLabel(r.camera_make, r.camera_model),
    caption: r.caption ? r.caption : null,
    tags: tagsById.get(r.id) ?? [],
    score: Math.round(r.score * 1000) / 1000,
  }));
}
