// Photo search: FTS5 over caption, tags, file name, folder, camera and place, ranked by bm25 with
// captions and tags weighing most; filters are applied on photos joined by the id inside the index's
// rowid (main/db/timeline-key.ts). An empty query is the filtered listing, newest first.
import path from 'node:path';
import type { Db } from './connection';
import { ftsColumnPrefix, toFtsQuery, toFtsWords, type WordTerm } from './fts-query';
import { libraryTerms } from './fts-terms';
import { photoIdOfKey } from './timeline-key';
import { FTS_PHOTOS_FROM, keyBefore, photoBefore } from './timeline-sql';
import { decodeCursor, encodeCursor, isKeyset, isOffset } from './cursor';
import type { SearchFilters } from '../../shared/contract/library';
import { COUNT_CAP, type PhotoStatus, type SearchHit, type SearchResult } from '../../shared/types';
import { absolutePath, cameraLabel, HAS_THUMB_SQL, PHOTO_ORDER, PHOTO_SUMMARY_FROM } from '../library/repo';
import { TIMELINE_ITEM } from '../media/timeline-item';
import { rootRows } from './roots';
import { cachedStatement } from './statements';
import { durationSql, MEDIA_COLUMNS, mediaKindOf, mediaKindSql, type MediaColumns } from '../media/video/summary';

/** Column weights in photos_fts order: caption, tags, file_name, folder, camera, place, facets (never searched). */
export const BM25_RANK = `bm25(10.0, 8.0, 2.0, 1.0, 3.0, 6.0, 0.0)`;

export interface SearchOptions {
  query: string;
  filters: SearchFilters;
  limit: number;
  cursor?: string;
}

/** Filters split by where they run: FTS column expressions (joined into MATCH), SQL over `p`. */
export interface FilterParts {
  /** FTS5 expressions ANDed into the MATCH (camera, folder words); empty when none. */
  fts: string[];
  sql: string[];
  params: unknown[];
}

/**
 * Membership tests are written `+p.id IN (…)`: the unary + stops SQLite from driving the query by
 * rowid lookups of every member and sorting them; instead the newest-first index is walked and each
 * photo checked against the (bloom-filtered) set, which stops after one page.
 * Each filter uses an index: camera and a relative folder are FTS column matches (word prefix and
 * phrase), tag goes through photo_tags, an absolute folder is a rel_path range on the
 * (root_id, rel_path) index, dates a range on photos_sort, GPS the photos_gps partial index.
 */
export function filterParts(db: Db, f: SearchFilters, term: WordTerm = libraryTerms(db)): FilterParts {
  const out: FilterParts = { fts: [], sql: [], params: [] };
  if (f.tag !== undefined) {
    out.sql.push(`+p.id IN (SELECT ptg.photo_id FROM tags t JOIN photo_tags ptg ON ptg.tag_id = t.id WHERE t.name = ?)`);
    out.params.push(f.tag.trim());
  }
  if (f.camera !== undefined) {
    const expr = ftsColumnPrefix('camera', f.camera, term);
    if (expr) out.fts.push(expr);
    else out.sql.push('0');
  }
  if (f.folder !== undefined) {
    if (path.isAbsolute(f.folder)) absoluteFolder(db, f.folder, out);
    else {
      const words = toFtsWords(f.folder);
      if (words) out.fts.push(`(folder : "${words.join(' ')}")`);
      else out.sql.push('0');
    }
  }
  if (f.from !== undefined) { out.sql.push('p.sort_date >= ?'); out.params.push(f.from); }
  if (f.to !== undefined) { out.sql.push(`p.sort_date < date(?, '+1 day')`); out.params.push(f.to); }
  if (f.hasGps !== undefined) out.sql.push(f.hasGps ? 'p.lat IS NOT NULL' : 'p.lat IS NULL');
  if (f.minRating !== undefined) { out.sql.push('p.rating >= ?'); out.params.push(f.minRating); }
  if (f.favourite !== undefined) out.sql.push(f.favourite ? 'p.favourite = 1' : 'p.favourite = 0');
  if (f.label !== undefined) { out.sql.push('lower(p.label) = ?'); out.params.push(f.label.trim().toLowerCase()); }
  if (f.damaged !== undefined) out.sql.push(f.damaged ? "p.status = 'damaged'" : "p.status <> 'damaged'");
  if (f.mediaType !== undefined) out.sql.push(mediaKindSql(f.mediaType));
  if (f.minDuration !== undefined || f.maxDuration !== undefined) out.sql.push(durationSql(f.minDuration, f.maxDuration, out.params));
  if (f.place !== undefined) {
    const expr = ftsColumnPrefix('place', f.place, term);
    if (expr) out.fts.push(expr);
    else out.sql.push('0');
  }
  return out;
}

/** The folder and everything below it, in whichever root holds it. */
function absoluteFolder(db: Db, folder: string, out: FilterParts): void {
  const abs = path.resolve(folder);
  const alts: string[] = [];
  for (const root of rootRows(db)) {
    if (abs === root.path) { alts.push('p.root_id = ?'); out.params.push(root.id); continue; }
    const rel = path.relative(root.path, abs);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) {
      // 'dir/' <= rel_path < 'dir0' ('0' follows '/'): everything below dir, on the (root_id, rel_path) index.
      const prefix = rel.split(path.sep).join('/');
      alts.push('(p.root_id = ? AND p.rel_path >= ? AND p.rel_path < ?)');
      out.params.push(root.id, `${prefix}/`, `${prefix}0`);
    }
  }
  out.sql.push(alts.length ? `(${alts.join(' OR ')})` : '0');
}

interface HitRow extends MediaColumns {
  id: number;
  root_path: string;
  rel_path: string;
  taken_at: string | null;
  sort_date: string;
  camera_make: string | null;
  camera_model: string | null;
  caption: string | null;
  score: number;
  rating: number;
  favourite: number;
  status: PhotoStatus;
  error: string | null;
  has_thumb: number;
}

// The match set drives, in timeline order (its rowid is the photo's timeline key), never a scan of
// roots followed by a sort of every photo.
const FTS_FROM = `${FTS_PHOTOS_FROM} CROSS JOIN roots r ON r.id = p.root_id
  LEFT JOIN photo_text pt ON pt.photo_id = p.id`;

const HIT_COLUMNS = `p.id, r.path AS root_path, p.rel_path, p.taken_at, p.sort_date, p.camera_make, p.camera_model, pt.caption,
  p.rating, p.favourite, p.status, p.error, ${HAS_THUMB_SQL} AS has_thumb, ${MEDIA_COLUMNS}`;

export function searchPhotos(db: Db, opts: SearchOptions): SearchResult {
  // Taken before the snapshot: inside a transaction the remembered expansions are not used (it could
  // hold index writes of its own), and this one only reads.
  const term = libraryTerms(db);
  // One snapshot: the count and the page see the same library while indexing writes go on.
  return db.transaction(() => searchIn(db, opts, toFtsQuery(opts.query, term), filterParts(db, opts.filters, term)))();
}

function searchIn(db: Db, opts: SearchOptions, query: string | null, filters: FilterParts): SearchResult {
  const match = [...(query ? [`(${query})`] : []), ...filters.fts].join(' AND ');
  // Only filters: an FTS-only filter still drives through the FTS index, newest first.
  return query === null ? filteredListing(db, opts, filters, match || null) : ftsSearch(db, opts, query, match, filters);
}

/**
 * bm25 scores every match before `ORDER BY rank LIMIT` can cut: about 15 µs a match with the column
 * filter and each match's column sizes (800 matches: 12 ms of a 15 ms search at 100,000 photos,
 * `npm run bench -- library`), so a broad query would blow the 10 ms budget. Above this many
 * matches results come in tiers instead — caption/tag hits, then file name/folder/camera hits —
 * newest first within each, which FTS5 reads in timeline order and stops after one page.
 */
export const RANKED_MATCH_LIMIT = 300;

/** Cursor of a tiered search: tier index and keyset position inside it. */
interface TierCursor { t: 0 | 1; k: [string, number] | null }
const isTierCursor = (v: unknown): v is TierCursor =>
  typeof v === 'object' && v !== null && ((v as TierCursor).t === 0 || (v as TierCursor).t === 1)
  && ((v as TierCursor).k === null || isKeyset((v as TierCursor).k));
const isSearchCursor = (v: unknown): v is TierCursor | { o: number } => isTierCursor(v) || isOffset(v);

function ftsSearch(db: Db, opts: SearchOptions, query: string, match: string, filters: FilterParts): SearchResult {
  const cursor = opts.cursor !== undefined ? decodeCursor(opts.cursor, isSearchCursor) : null;
  const total = countMatches(db, match, filters);
  if (cursor !== null ? isTierCursor(cursor) : total > RANKED_MATCH_LIMIT) {
    return tieredSearch(db, opts, query, filters, total, cursor && isTierCursor(cursor) ? cursor : { t: 0, k: null });
  }
  const offset = cursor !== null && isOffset(cursor) ? cursor.o : 0;
  const rows = filters.sql.length ? rankedFiltered(db, match, filters, opts.limit + 1, offset) : ranked(db, match, opts.limit + 1, offset);
  const more = rows.length > opts.limit;
  const page = more ? rows.slice(0, opts.limit) : rows;
  return { hits: toHits(db, page), ...capped(total), nextCursor: more ? encodeCursor({ o: offset + opts.limit }) : null };
}

/** Ranks inside FTS alone, then joins only the page's rows (not every match) to photos. */
function ranked(db: Db, match: string, limit: number, offset: number): HitRow[] {
  return cachedStatement(db, `SELECT ${HIT_COLUMNS}, -m.r AS score
    FROM (SELECT rowid AS k, rank AS r FROM photos_fts WHERE photos_fts MATCH ? AND rank MATCH '${BM25_RANK}'
          ORDER BY rank LIMIT ? OFFSET ?) m
    CROSS JOIN photos p ON p.id = ${photoIdOfKey('m.k')} CROSS JOIN roots r ON r.id = p.root_id LEFT JOIN photo_text pt ON pt.photo_id = p.id
    ORDER BY m.r`).all(match, limit, offset) as HitRow[];
}

/** With SQL filters every match must be joined to photos before ranking can cut. */
function rankedFiltered(db: Db, match: string, filters: FilterParts, limit: number, offset: number): HitRow[] {
  const where = ['photos_fts MATCH ?', `f.rank MATCH '${BM25_RANK}'`, ...filters.sql].join(' AND ');
  return cachedStatement(db, `SELECT ${HIT_COLUMNS}, -f.rank AS score
    FROM ${FTS_FROM} WHERE ${where} ORDER BY f.rank LIMIT ? OFFSET ?`).all(match, ...filters.params, limit, offset) as HitRow[];
}

function tieredSearch(db: Db, opts: SearchOptions, query: string, filters: FilterParts, total: number, from: TierCursor): SearchResult {
  const inText = `{caption tags place} : (${query})`;
  const tiers = [
    [inText, ...filters.fts].join(' AND '),
    `(${[`(${query})`, ...filters.fts].join(' AND ')}) NOT (${inText})`,
  ];
  const rows: (HitRow & { tier: 0 | 1 })[] = [];
  let tier = from.t;
  let keyset = from.k;
  for (;;) {
    const want = opts.limit + 1 - rows.length;
    const got = listingRows(db, filters, tiers[tier]!, keyset, want);
    // Score says which tier a hit came from: 1 = caption/tag/place match, 0 = name/folder/camera match.
    for (const r of got) rows.push({ ...r, score: 1 - tier, tier });
    if (rows.length > opts.limit || tier === 1) break;
    tier = 1;
    keyset = null;
  }
  const more = rows.length > opts.limit;
  const page = more ? rows.slice(0, opts.limit) : rows;
  const last = page[page.length - 1];
  return {
    hits: toHits(db, page),
    ...capped(total),
    nextCursor: more && last ? encodeCursor({ t: last.tier, k: [last.sort_date, last.id] } satisfies TierCursor) : null,
  };
}

/** Matches counted up to COUNT_CAP + 1 (the +1 says "more"): bounded work for a broad word. */
function countMatches(db: Db, match: string, filters: FilterParts): number {
  const cap = COUNT_CAP + 1;
  if (!filters.sql.length) return (cachedStatement(db, `SELECT count(*) AS n FROM (SELECT 1 FROM photos_fts WHERE photos_fts MATCH ? LIMIT ${cap})`).get(match) as { n: number }).n;
  return (cachedStatement(db, `SELECT count(*) AS n FROM (SELECT 1 FROM ${FTS_PHOTOS_FROM}
    WHERE photos_fts MATCH ? AND ${filters.sql.join(' AND ')} LIMIT ${cap})`).get(match, ...filters.params) as { n: number }).n;
}

/** The result's total and whether it was capped, from a count made with countMatches' cap. */
const capped = (n: number) => ({ total: Math.min(n, COUNT_CAP), totalCapped: n > COUNT_CAP });

/**
 * One newest-first page of photos passing the filters (and in the FTS match set, when given). With a
 * match, FTS5 walks the match set backwards in timeline order and the walk stops after one page.
 */
function listingRows(db: Db, filters: FilterParts, match: string | null, after: [string, number] | null, limit: number): HitRow[] {
  if (match === null) {
    // The full-text index holds timeline items only; a listing without it checks.
    const where = [...filters.sql, TIMELINE_ITEM];
    const params = [...filters.params];
    if (after !== null) {
      const before = photoBefore(...after);
      where.push(before.sql);
      params.push(...before.params);
    }
    return cachedStatement(db, `SELECT ${HIT_COLUMNS}, 0 AS score FROM ${PHOTO_SUMMARY_FROM}
      WHERE ${where.join(' AND ')} ORDER BY ${PHOTO_ORDER} LIMIT ?`).all(...params, limit) as HitRow[];
  }
  const before = after !== null ? keyBefore(...after) : null;
  const where = ['photos_fts MATCH ?', ...(before ? [before.sql] : []), ...filters.sql];
  const params = [match, ...(before ? before.params : []), ...filters.params];
  return cachedStatement(db, `SELECT ${HIT_COLUMNS}, 0 AS score FROM ${FTS_FROM}
    WHERE ${where.join(' AND ')} ORDER BY f.rowid DESC LIMIT ?`).all(...params, limit) as HitRow[];
}

function filteredListing(db: Db, opts: SearchOptions, filters: FilterParts, match: string | null): SearchResult {
  const total = match !== null
    ? countMatches(db, match, filters)
    : (cachedStatement(db, `SELECT count(*) AS n FROM (SELECT 1 FROM photos p WHERE ${[TIMELINE_ITEM, ...filters.sql].join(' AND ')}
        LIMIT ${COUNT_CAP + 1})`).get(...filters.params) as { n: number }).n;
  const after = opts.cursor !== undefined ? decodeCursor(opts.cursor, isKeyset) : null;
  const rows = listingRows(db, filters, match, after, opts.limit + 1);
  const more = rows.length > opts.limit;
  const page = more ? rows.slice(0, opts.limit) : rows;
  const last = page[page.length - 1];
  return { hits: toHits(db, page), ...capped(total), nextCursor: more && last ? encodeCursor([last.sort_date, last.id]) : null };
}

function toHits(db: Db, rows: HitRow[]): SearchHit[] {
  const tagsById = new Map<number, string[]>();
  if (rows.length) {
    const ids = rows.map((r) => r.id);
    // Deduplicated (a tag may come from several sources) and sorted here: SQLite's DISTINCT and
    // ORDER BY build two temporary b-trees, a third of a 100-hit page's time at 100,000 photos.
    const tagRows = cachedStatement(db, `SELECT pt.photo_id, t.name FROM photo_tags pt JOIN tags t ON t.id = pt.tag_id
      WHERE pt.photo_id IN (${ids.map(() => '?').join(',')})`).all(...ids) as { photo_id: number; name: string }[];
    const sets = new Map<number, Set<string>>();
    for (const t of tagRows) {
      const set = sets.get(t.photo_id) ?? new Set<string>();
      set.add(t.name);
      sets.set(t.photo_id, set);
    }
    for (const [id, set] of sets) tagsById.set(id, [...set].sort());
  }
  return rows.map((r) => ({
    id: r.id,
    path: absolutePath(r.root_path, r.rel_path),
    takenAt: r.taken_at,
    camera: cameraLabel(r.camera_make, r.camera_model),
    caption: r.caption ? r.caption : null,
    tags: tagsById.get(r.id) ?? [],
    score: Math.round(r.score * 1000) / 1000,
    mediaType: mediaKindOf(r),
    durationMs: r.duration_ms,
    rating: r.rating,
    favourite: r.favourite === 1,
    status: r.status,
    error: r.error,
    hasThumb: r.has_thumb === 1,
  }));
}
