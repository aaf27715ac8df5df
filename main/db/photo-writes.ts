// Write side of photos for the indexer: discovered files, stat changes, read results, moves, offline.
// Callers wrap these in transactions; every change to searchable fields refreshes photo_text.
import path from 'node:path';
import type { Db } from './connection';
import { cachedStatement } from './statements';
import { nowIso } from './connection';
import { refreshPhotoText } from './photo-text';
import type { PhotoMeta } from '../library/metadata';
import type { MediaFormat } from '../../shared/media';
import type { VideoFields } from '../library/read-photo';
import type { PhotoStatus } from '../../shared/types';
import { saveFileRating } from './ratings';

export interface KnownPhoto {
  id: number;
  rel_path: string;
  size: number;
  mtime_ms: number;
  status: PhotoStatus;
  content_hash: string | null;
  /** 1 while metadata or thumbnail is still to do. */
  pending: number;
}

export interface FileLocation {
  rootId: number;
  rootPath: string;
  rel: string;
  size: number;
  mtimeMs: number;
}

export const PENDING_SQL = `(SELECT count(*) FROM photo_stage s WHERE s.photo_id = p.id
  AND s.stage IN ('metadata','thumbnail') AND s.done_at IS NOT NULL) < 2`;

export function loadKnown(db: Db, rootId: number): Map<string, KnownPhoto> {
  const rows = db.prepare(`SELECT p.id, p.rel_path, p.size, p.mtime_ms, p.status, p.content_hash, ${PENDING_SQL} AS pending
    FROM photos p WHERE p.root_id = ?`).all(rootId) as KnownPhoto[];
  return new Map(rows.map((r) => [r.rel_path, r]));
}

export function knownByRel(db: Db, rootId: number, rel: string): KnownPhoto | undefined {
  return db.prepare(`SELECT p.id, p.rel_path, p.size, p.mtime_ms, p.status, p.content_hash, ${PENDING_SQL} AS pending
    FROM photos p WHERE p.root_id = ? AND p.rel_path = ?`).get(rootId, rel) as KnownPhoto | undefined;
}

/** Wall-clock local time of a timestamp, the same form as an EXIF date without offset. */
export function localWallClock(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Sort key: the wall-clock time the photo was taken (offsets dropped, so a trip sorts by local time). */
export const sortDate = (takenAt: string | null, mtimeMs: number): string => (takenAt ? takenAt.slice(0, 19) : localWallClock(mtimeMs));

function names(loc: FileLocation): { file_name: string; folder: string } {
  const dir = path.posix.dirname(loc.rel);
  const rootName = path.basename(loc.rootPath);
  return { file_name: path.posix.basename(loc.rel), folder: dir === '.' ? rootName : `${rootName}/${dir}` };
}

/** New files become rows at once (so a crash never forgets them); reading them is pending work. */
export function insertDiscovered(db: Db, locs: FileLocation[]): number[] {
  const stmt = db.prepare(`INSERT INTO photos (root_id, rel_path, file_name, folder, size, mtime_ms, sort_date, status, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, 'ok', ?, ?)`);
  const now = nowIso();
  const ids = locs.map((loc) => {
    const n = names(loc);
    return Number(stmt.run(loc.rootId, loc.rel, n.file_name, n.folder, loc.size, loc.mtimeMs, localWallClock(loc.mtimeMs), now, now).lastInsertRowid);
  });
  refreshPhotoText(db, ids);
  return ids;
}

/** Size or mtime differ: the file is read again (metadata and thumbnail stages reset). */
export function markChanged(db: Db, id: number, size: number, mtimeMs: number): void {
  db.prepare(`UPDATE photos SET size = ?, mtime_ms = ?, status = 'ok', error = NULL, updated_at = ? WHERE id = ?`)
    .run(size, mtimeMs, nowIso(), id);
  db.prepare(`DELETE FROM photo_stage WHERE photo_id = ? AND stage IN ('metadata','thumbnail')`).run(id);
}

export function markOffline(db: Db, ids: number[]): void {
  const stmt = db.prepare(`UPDATE photos SET status = 'offline', updated_at = ? WHERE id = ? AND status <> 'offline'`);
  const now = nowIso();
  for (const id of ids) stmt.run(now, id);
}

/** An offline photo is back unchanged. */
export function markRestored(db: Db, ids: number[]): void {
  const stmt = db.prepare(`UPDATE photos SET status = 'ok', error = NULL, updated_at = ? WHERE id = ? AND status = 'offline'`);
  const now = nowIso();
  for (const id of ids) stmt.run(now, id);
}

/**
 * The offline photo a newly found file is, moved: same content — or, for a photo whose new content
 * was never read (changed, then moved before a scan finished), the same size and mtime, which a
 * move keeps. The file takes over its id and everything attached.
 */
export function findMoveTarget(db: Db, contentHash: string, size: number, mtimeMs: number, excludeId: number): number | null {
  const row = db.prepare(`SELECT p.id FROM photos p WHERE p.status = 'offline' AND p.id <> ?
      AND (p.content_hash = ? OR (p.size = ? AND p.mtime_ms = ? AND ${PENDING_SQL}))
    ORDER BY p.content_hash = ? DESC, p.id LIMIT 1`)
    .get(excludeId, contentHash, size, mtimeMs, contentHash) as { id: number } | undefined;
  return row?.id ?? null;
}

/**
 * Moves `targetId` (offline) to the location of the freshly discovered `placeholderId`, which is
 * dropped: the photo keeps its id with captions, tags and album entries.
 */
export function mergeMove(db: Db, placeholderId: number, targetId: number, loc: FileLocation): void {
  db.prepare('DELETE FROM photos WHERE id = ?').run(placeholderId);
  const n = names(loc);
  db.prepare(`UPDATE photos SET root_id = ?, rel_path = ?, file_name = ?, folder = ?, size = ?, mtime_ms = ?,
      status = 'ok', error = NULL, updated_at = ? WHERE id = ?`)
    .run(loc.rootId, loc.rel, n.file_name, n.folder, loc.size, loc.mtimeMs, nowIso(), targetId);
  refreshPhotoText(db, [targetId]);
}

export interface ReadFields {
  size: number;
  mtimeMs: number;
  hash: string;
  format: MediaFormat;
  meta: PhotoMeta;
  phash: string | null;
  video?: VideoFields;
  /** The decoder's warning when the pixels are only partly there: the photo is 'damaged'. */
  damaged: string | null;
  /** Why a kept photo has no picture (a RAW without an embedded preview): its thumbnail stage is done with this error. */
  noPreview?: string;
}

/**
 * What the library already holds for this content, for a photo whose grid thumbnail was cached (a
 * copy, or this very photo before its file was touched): the perceptual hash of the first photo of it
 * — made from the decoded pixels; made again from the cached lossy WebP it drifts (up to 13 of 64
 * bits on the real fixture photos), and byte-identical copies fell outside "Possible duplicates" —
 * and the decoder's warning when the content is damaged.
 */
export function sameContent(db: Db, contentHash: string): { phash: string | null; damaged: string | null } {
  return cachedStatement(db, `SELECT
      (SELECT phash FROM photos WHERE content_hash = @hash AND phash IS NOT NULL ORDER BY id LIMIT 1) AS phash,
      (SELECT error FROM photos WHERE content_hash = @hash AND status = 'damaged' LIMIT 1) AS damaged`)
    .get({ hash: contentHash }) as { phash: string | null; damaged: string | null };
}

export function applyRead(db: Db, id: number, r: ReadFields): void {
  const prev = cachedStatement(db, 'SELECT content_hash FROM photos WHERE id = ?').get(id) as { content_hash: string | null } | undefined;
  if (!prev) return;
  const now = nowIso();
  writeMeta(db, id, r, r.meta);
  cachedStatement(db, `UPDATE photos SET phash = ?, status = ?, error = ?, updated_at = ? WHERE id = ?`)
    .run(r.phash, r.damaged ? 'damaged' : 'ok', r.damaged ?? r.noPreview ?? null, now, id);
  const stage = cachedStatement(db, `INSERT INTO photo_stage (photo_id, stage, done_at, attempts, error) VALUES (?, ?, ?, 1, ?)
    ON CONFLICT (photo_id, stage) DO UPDATE SET done_at = excluded.done_at, attempts = attempts + 1, error = excluded.error`);
  stage.run(id, 'metadata', now, null);
  // Done either way (not read again by the next scan); with an error there is no thumbnail to show.
  stage.run(id, 'thumbnail', now, r.noPreview ?? null);
  writeVideoFields(db, id, r.video);
  // New content: whatever the AI said about the old picture is due again.
  if (prev.content_hash && prev.content_hash !== r.hash) cachedStatement(db, `DELETE FROM photo_stage WHERE photo_id = ? AND stage = 'ai'`).run(id);
  refreshPhotoText(db, [id]);
}

/** The file's metadata columns (also for a photo whose pixels could not be decoded). */
function writeMeta(db: Db, id: number, r: { size: number; mtimeMs: number; hash: string | null; format: MediaFormat | null }, m: PhotoMeta): void {
  cachedStatement(db, `UPDATE photos SET size = ?, mtime_ms = ?, content_hash = COALESCE(?, content_hash), width = ?, height = ?,
      format = ?, taken_at = ?, sort_date = ?, camera_make = ?, camera_model = ?, lens = ?, lat = ?, lon = ?,
      altitude = ?, orientation = ?, xmp_json = ?, updated_at = ? WHERE id = ?`)
    .run(r.size, r.mtimeMs, r.hash, m.width, m.height, r.format, m.takenAt, sortDate(m.takenAt, r.mtimeMs),
      m.cameraMake, m.cameraModel, m.lens, m.lat, m.lon, m.altitude, m.orientation, m.embedded ? JSON.stringify(m.embedded) : null, nowIso(), id);
  saveFileRating(db, id, m);
}

export interface ErrorFields {
  message: string;
  size: number;
  mtimeMs: number;
  hash: string | null;
  /** What the metadata reader found although the pixels could not be decoded (kept). */
  meta?: PhotoMeta | null;
  format?: MediaFormat | null;
}

export function applyError(db: Db, id: number, e: ErrorFields): void {
  const now = nowIso();
  cachedStatement(db, `UPDATE photos SET status = 'error', error = ?, size = ?, mtime_ms = ?, content_hash = COALESCE(?, content_hash),
      updated_at = ? WHERE id = ?`).run(e.message, e.size, e.mtimeMs, e.hash, now, id);
  const stage = cachedStatement(db, `INSERT INTO photo_stage (photo_id, stage, done_at, attempts, error) VALUES (?, ?, ?, 1, ?)
    ON CONFLICT (photo_id, stage) DO UPDATE SET done_at = excluded.done_at, attempts = attempts + 1, error = excluded.error`);
  if (e.meta) {
    // Date, camera and GPS are kept although the pixels failed: the photo is still findable.
    writeMeta(db, id, { ...e, format: e.format ?? null }, e.meta);
    stage.run(id, 'metadata', now, null);
    stage.run(id, 'thumbnail', null, e.message);
    refreshPhotoText(db, [id]);
  } else {
    stage.run(id, 'metadata', null, e.message);
  }
}

/** The videos row of a read (issue 12); a file that is no longer a video loses it. */
function writeVideoFields(db: Db, id: number, v: VideoFields | undefined): void {
  if (!v) { cachedStatement(db, 'DELETE FROM videos WHERE photo_id = ?').run(id); return; }
  cachedStatement(db, `INSERT INTO videos (photo_id, duration_ms, rotation, codec, audio_codec, fps, content_id, poster_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (photo_id) DO UPDATE SET duration_ms = excluded.duration_ms, rotation = excluded.rotation,
      codec = excluded.codec, audio_codec = excluded.audio_codec, fps = excluded.fps, content_id = excluded.content_id,
      poster_ms = COALESCE(excluded.poster_ms, poster_ms)`)
    .run(id, v.durationMs, v.rotation, v.codec, v.audioCodec, v.fps, v.contentId, v.posterMs);
}
