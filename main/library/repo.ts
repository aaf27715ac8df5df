// Read side of photos: row → PhotoSummary / PhotoDetail mapping (reused by albums), the newest-first
// listing grouped by month, photo detail and library counts.
import path from 'node:path';
import type { Db } from '../db/connection';
import { countersWithPrefix } from '../db/counters';
import { ratingDetail } from '../db/ratings';
import { decodeCursor, encodeCursor, isKeyset } from '../db/cursor';
import { photoBefore } from '../db/timeline-sql';
import { MEDIA_COLUMNS, mediaKindOf, videoInfo, type MediaColumns } from '../media/video/summary';
import { HAS_RAW_SQL } from '../media/raw-pairs';
import { TIMELINE_ITEM } from '../media/timeline-item';
import { sourceRankSql } from '../db/source-rank';
import { photoTags } from '../ai/provenance';
import type {
  CaptionInfo, MonthGroup, PhotoDetail, PhotoPage, PhotoStatus, PhotoSummary, Provenance, TagInfo,
} from '../../shared/types';
import { photoPlace } from '../places/place-queries';

/**
 * `p` is an item of the timeline: not a Live Photo's motion clip (shown through its still) nor the
 * RAW of a RAW+JPEG pair (shown through its JPEG).
 */
export { TIMELINE_ITEM };
/** True when the grid thumbnail of the photo whose id is `id` (an SQL expression) has been made. */
export const hasThumbSql = (id: string): string =>
  `EXISTS (SELECT 1 FROM photo_stage s WHERE s.photo_id = ${id} AND s.stage = 'thumbnail' AND s.done_at IS NOT NULL AND s.error IS NULL)`;
/** True when photo p's grid thumbnail has been made (alias p for photos). */
export const HAS_THUMB_SQL = hasThumbSql('p.id');
/** Columns a PhotoSummary needs; use with PHOTO_SUMMARY_FROM (alias p for photos). */
export const PHOTO_SUMMARY_COLUMNS = `p.id, p.root_id, r.path AS root_path, p.rel_path, p.taken_at, p.sort_date,
  p.width, p.height, p.status, p.error, pt.caption AS caption, p.rating, p.favourite, ${HAS_THUMB_SQL} AS has_thumb,
  ${HAS_RAW_SQL} AS has_raw,
  ${MEDIA_COLUMNS}`;
// CROSS JOIN keeps photos as the outer loop (SQLite never reorders it), so the photos_sort index
// serves ORDER BY ... LIMIT instead of a scan of roots and a sort of every photo.
export const PHOTO_SUMMARY_FROM = `photos p CROSS JOIN roots r ON r.id = p.root_id LEFT JOIN photo_text pt ON pt.photo_id = p.id`;
/** Newest first; ties broken by id so keyset paging is stable. */
export const PHOTO_ORDER = 'p.sort_date DESC, p.id DESC';

interface PhotoSummaryBase {
  id: number;
  root_id: number;
  root_path: string;
  rel_path: string;
  taken_at: string | null;
  sort_date: string;
  width: number | null;
  height: number | null;
  status: PhotoStatus;
  error: string | null;
  caption: string | null;
  has_thumb: number;
  has_raw: number;
  rating: number;
  favourite: number;
}
export type PhotoSummaryRow = PhotoSummaryBase & MediaColumns;

export const absolutePath = (rootPath: string, rel: string): string => path.join(rootPath, ...rel.split('/'));

export function toPhotoSummary(row: PhotoSummaryRow): PhotoSummary {
  return {
    id: row.id,
    rootId: row.root_id,
    path: absolutePath(row.root_path, row.rel_path),
    relPath: row.rel_path,
    takenAt: row.taken_at,
    month: row.sort_date.slice(0, 7),
    width: row.width,
    height: row.height,
    status: row.status,
    error: row.error,
    caption: row.caption ? row.caption : null,
    hasThumb: row.has_thumb === 1,
    rawPair: row.has_raw === 1,
    mediaType: mediaKindOf(row),
    durationMs: row.duration_ms,
    rating: row.rating,
    favourite: row.favourite === 1,
  };
}

export interface ListOptions {
  cursor?: string;
  limit: number;
  /** Start at this position of the listing (instead of a cursor). */
  offset?: number;
  /** Restricts the listing (e.g. an album): a boolean SQL expression over `p` with its parameters. */
  scope?: { where: string; params: readonly unknown[] };
}

export function listPhotos(db: Db, opts: ListOptions): PhotoPage {
  // A Live Photo's motion clip is shown through its still (issue 12).
  const where: string[] = [TIMELINE_ITEM];
  const params: unknown[] = [];
  if (opts.scope) {
    where.push(`(${opts.scope.where})`);
    params.push(...opts.scope.params);
  }
  const scope = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const groups = opts.scope ? monthGroups(db, scope, params) : unscopedMonthGroups(db);
  const total = groups.reduce((n, g) => n + g.count, 0);
  if (opts.cursor !== undefined) {
    const before = photoBefore(...decodeCursor(opts.cursor, isKeyset));
    where.push(before.sql);
    params.push(...before.params);
  }
  let skip = 0;
  if (opts.offset !== undefined) {
    // Seek to the month holding that position on the date index, then skip within the month only:
    // a few thousand index entries at most, instead of every photo before it.
    const at = monthAt(groups, opts.offset);
    if (at) {
      where.push('p.sort_date < ?');
      params.push(`${at.month}~`); // '~' sorts after every character of an ISO date: the whole month
      skip = opts.offset - at.start;
    } else skip = opts.offset;
  }
  const rows = db.prepare(`SELECT ${PHOTO_SUMMARY_COLUMNS} FROM ${PHOTO_SUMMARY_FROM}
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${PHOTO_ORDER} LIMIT ? OFFSET ?`)
    .all(...params, opts.limit + 1, skip) as PhotoSummaryRow[];
  const more = rows.length > opts.limit;
  const page = more ? rows.slice(0, opts.limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map(toPhotoSummary),
    groups,
    total,
    nextCursor: more && last ? encodeCursor([last.sort_date, last.id]) : null,
  };
}

/** The month group holding listing position `index`, with the position of its first photo. */
export function monthAt(groups: readonly MonthGroup[], index: number): { month: string; start: number } | null {
  let start = 0;
  for (const g of groups) {
    if (index < start + g.count) return { month: g.month, start };
    start += g.count;
  }
  return null;
}

function monthGroups(db: Db, scope: string, params: unknown[]): MonthGroup[] {
  return db.prepare(`SELECT substr(p.sort_date, 1, 7) AS month, count(*) AS count FROM photos p ${scope}
    GROUP BY month ORDER BY month DESC`).all(...params) as MonthGroup[];
}

/** The whole library's month groups, newest first, from the counters the triggers keep (no count of every photo). */
function unscopedMonthGroups(db: Db): MonthGroup[] {
  const months = countersWithPrefix(db, 'month:');
  // A Live Photo's motion clip is shown through its still (issue 12), a paired RAW through its JPEG:
  // neither is a grid item of its month.
  for (const r of db.prepare(`SELECT substr(p.sort_date, 1, 7) AS month, count(*) AS n FROM photos p
      WHERE p.id IN (SELECT photo_id FROM videos WHERE live_still_id IS NOT NULL UNION ALL SELECT raw_id FROM raw_pairs)
      GROUP BY month`).all() as { month: string; n: number }[]) months[r.month] = (months[r.month] ?? 0) - r.n;
  return Object.keys(months).filter((m) => months[m]! > 0).sort().reverse().map((month) => ({ month, count: months[month]! }));
}

/** The RAW shown through this photo (a RAW+JPEG pair), with its own file and format. */
function rawFileOf(db: Db, id: number): PhotoDetail['rawFile'] {
  const r = db.prepare(`SELECT p.id, r.path AS root_path, p.rel_path, p.format, p.size FROM raw_pairs x JOIN photos p ON p.id = x.raw_id
    JOIN roots r ON r.id = p.root_id WHERE x.jpeg_id = ?`).get(id) as { id: number; root_path: string; rel_path: string; format: string; size: number } | undefined;
  return r ? { id: r.id, path: absolutePath(r.root_path, r.rel_path), format: r.format, size: r.size } : null;
}

export function getPhotoDetail(db: Db, id: number): PhotoDetail | null {
  const row = db.prepare(`SELECT ${PHOTO_SUMMARY_COLUMNS}, p.size, p.mtime_ms, p.format, p.camera_make, p.camera_model,
      p.lens, p.lat, p.lon, p.altitude, p.orientation, p.label, p.error
    FROM ${PHOTO_SUMMARY_FROM} WHERE p.id = ?`).get(id) as (PhotoSummaryRow & {
      size: number; mtime_ms: number; format: string | null; camera_make: string | null; camera_model: string | null;
      lens: string | null; lat: number | null; lon: number | null; altitude: number | null; orientation: number | null;
      label: string | null; error: string | null;
    }) | undefined;
  if (!row) return null;
  const captions = (db.prepare(`SELECT text, source, model, prompt, created_at FROM captions WHERE photo_id = ?
    ORDER BY ${sourceRankSql('source')}, created_at DESC`).all(id) as { text: string; source: Provenance; model: string | null; prompt: string | null; created_at: string }[])
    .map((c): CaptionInfo => ({ text: c.text, source: c.source, model: c.model, prompt: c.prompt, createdAt: c.created_at }));
  // One per name, labelled by its strongest source: the renderer shows them as they come.
  const tags: TagInfo[] = photoTags(db, id);
  // Neighbours in the grid's order: prev is the newer photo, next the older one.
  const prev = db.prepare(`SELECT p.id FROM photos p WHERE (p.sort_date > ? OR (p.sort_date = ? AND p.id > ?)) AND ${TIMELINE_ITEM}
    ORDER BY p.sort_date ASC, p.id ASC LIMIT 1`).get(row.sort_date, row.sort_date, row.id) as { id: number } | undefined;
  const older = photoBefore(row.sort_date, row.id);
  const next = db.prepare(`SELECT p.id FROM photos p WHERE ${older.sql} AND ${TIMELINE_ITEM}
    ORDER BY ${PHOTO_ORDER} LIMIT 1`).get(...older.params) as { id: number } | undefined;
  return {
    ...toPhotoSummary(row),
    size: row.size,
    mtimeMs: row.mtime_ms,
    format: row.format,
    cameraMake: row.camera_make,
    cameraModel: row.camera_model,
    lens: row.lens,
    lat: row.lat,
    lon: row.lon,
    orientation: row.orientation,
    altitude: row.altitude,
    label: row.label,
    ...ratingDetail(db, id),
    error: row.error,
    captions,
    tags,
    place: photoPlace(db, id),
    rawFile: rawFileOf(db, id),
    prevId: prev?.id ?? null,
    nextId: next?.id ?? null,
    video: videoInfo(db, row.id),
  };
}

export interface LibraryCounts {
  photos: number;
  offline: number;
  errors: number;
  thumbnails: number;
  /** Items that are videos (Live Photo motions not counted: their still is the item). */
  videos: number;
  livePhotos: number;
  ai: { done: number; queued: number; running: number; failed: number };
}

function videoCounts(db: Db): { videos: number; livePhotos: number } {
  const v = db.prepare(`SELECT coalesce(sum(live_still_id IS NULL), 0) AS videos, coalesce(sum(live_still_id IS NOT NULL), 0) AS live FROM videos`)
    .get() as { videos: number; live: number };
  return { videos: v.videos, livePhotos: v.live };
}

/** From the counters the triggers keep (main/db/counters.ts): constant time at any library size. */
export function libraryCounts(db: Db): LibraryCounts {
  const photos = countersWithPrefix(db, 'photos:');
  const jobs = countersWithPrefix(db, 'jobs:caption:');
  return {
    photos: Object.values(photos).reduce((a, b) => a + b, 0),
    offline: photos.offline ?? 0,
    errors: photos.error ?? 0,
    thumbnails: countersWithPrefix(db, 'thumbnails')[''] ?? 0,
    // Videos (issue 12): one pass over the videos table (a fraction of a library), not over photos.
    ...videoCounts(db),
    ai: { done: jobs.done ?? 0, queued: jobs.queued ?? 0, running: jobs.running ?? 0, failed: jobs.failed ?? 0 },
  };
}

/** Human label of a camera: the model, prefixed by the make unless the model already names it. */
export function cameraLabel(make: string | null, model: string | null): string | null {
  if (!make) return model;
  if (!model) return make;
  const first = make.split(/\s+/)[0]!.toLowerCase();
  return model.toLowerCase().startsWith(first) ? model : `${make} ${model}`;
}
